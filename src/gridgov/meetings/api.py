"""The JSON API of organisational life (三会一课、主题党日) under /api/v1/."""

from ninja import Router

router = Router(tags=["meetings"])
