"""The JSON API of volunteers (志愿服务) under /api/v1/."""

from ninja import Router

router = Router(tags=["volunteers"])
