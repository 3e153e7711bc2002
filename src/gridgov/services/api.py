"""The JSON API of services for the people (为民服务) under /api/v1/."""

from ninja import Router

router = Router(tags=["services"])
