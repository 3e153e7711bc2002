"""The JSON API of household honours (星级文明户、美丽庭院、党员示范户) under /api/v1/."""

from ninja import Router

router = Router(tags=["honours"])
