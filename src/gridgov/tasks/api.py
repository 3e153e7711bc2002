"""The JSON API of town tasks (任务清单、周提示、月例会、季督查) under /api/v1/."""

from ninja import Router

router = Router(tags=["tasks"])
