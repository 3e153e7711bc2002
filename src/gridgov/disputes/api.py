"""The JSON API of dispute mediation (矛盾纠纷排查化解) under /api/v1/."""

from ninja import Router

router = Router(tags=["disputes"])
