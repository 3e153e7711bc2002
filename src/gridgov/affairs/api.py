"""The JSON API of village affairs under /api/v1/affairs/ (issue 14's contract)."""

from ninja import Router

router = Router(tags=["affairs"])
