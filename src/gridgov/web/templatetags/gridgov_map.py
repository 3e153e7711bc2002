"""`{% map_settings %}` in a map page's <head>: the base map's settings for web/mapbase.js (issue 11)."""

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def map_settings():
    return format_html('<meta name="gridgov-map" content="base-map" data-tiles="{}" data-attribution="{}" data-crs="{}">',
                       settings.MAP_TILES, settings.MAP_ATTRIBUTION, settings.MAP_CRS)
