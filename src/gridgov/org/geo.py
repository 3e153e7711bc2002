"""Point-in-grid: which small grid contains a point, via a shapely STRtree over grid polygons.

Each process keeps one tree and rebuilds it when the small grids' boundaries change: at once in the
process that made the change (invalidate(), on commit), and in every other process at its next
lookup after RECHECK_SECONDS since its last check, which compares a cheap fingerprint of the grid
table (count, highest id and the sums of the bounding boxes) with the one the tree was built from:
a hot process then locates points with no query at all. A reshaping that keeps every bounding box
exactly is caught by the other processes within REBUILD_SECONDS.
"""

import threading
import time

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, shape

from .models import Grid

REBUILD_SECONDS = 600
# How stale another process's boundary change may be seen here: the fingerprint query is the largest
# part of a lookup's cost, and a boundary change is rare and made by people.
RECHECK_SECONDS = 2.0
_lock = threading.Lock()
# (fingerprint, built at, tree, codes, fingerprint last checked at), times by time.monotonic()
_index: tuple[tuple, float, STRtree, list[str], float] | None = None


def _small_grids_with_boundary():
    return Grid.objects.filter(level=Grid.Level.SMALL, min_lng__isnull=False)


def _fingerprint() -> tuple:
    agg = _small_grids_with_boundary().aggregate(
        n=Count("id"), m=Max("id"), a=Sum("min_lng"), b=Sum("min_lat"), c=Sum("max_lng"), d=Sum("max_lat"))
    # Rounded, so that the sums' float noise between databases cannot force needless rebuilds.
    return tuple(round(v, 9) if isinstance(v, float) else v for v in agg.values())


def invalidate() -> None:
    """Forget the tree; the next lookup rebuilds it (called after a boundary change commits)."""
    global _index
    with _lock:
        _index = None


def _tree() -> tuple[STRtree, list[str]]:
    global _index
    index = _index
    if index is not None and time.monotonic() - index[4] < RECHECK_SECONDS:
        return index[2], index[3]
    fingerprint = _fingerprint()
    with _lock:
        now = time.monotonic()
        if _index is None or _index[0] != fingerprint or now - _index[1] > REBUILD_SECONDS:
            rows = list(_small_grids_with_boundary().order_by("code").values_list("code", "geometry"))
            codes = [code for code, _geometry in rows]
            _index = (fingerprint, now, STRtree([shape(geometry) for _code, geometry in rows]), codes, now)
        else:
            _index = (*_index[:4], now)
        return _index[2], _index[3]


def locate(lat: float, lng: float) -> str | None:
    """The code of the small grid containing (lat, lng), or None. Points on a shared border go to
    the grid with the smallest code, so the answer is always exactly one grid."""
    tree, codes = _tree()
    hits = tree.query(Point(lng, lat), predicate="intersects")
    return min(codes[i] for i in hits) if len(hits) else None


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    return shape(geometry).bounds


def check_geometry(geometry: dict) -> dict:
    """The geometry if it is a valid GeoJSON Polygon or MultiPolygon in longitude/latitude, else a
    ValueError with a message for people."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(_("A grid boundary must be a GeoJSON Polygon or MultiPolygon"))
    try:
        shp = shape(geometry)
    except Exception:  # shapely raises several kinds of error on malformed coordinates
        raise ValueError(_("The grid boundary's coordinates are malformed")) from None
    if shp.is_empty or not shp.is_valid:
        raise ValueError(_("The grid boundary is empty or crosses itself"))
    min_lng, min_lat, max_lng, max_lat = shp.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError(_("The grid boundary must be in longitude and latitude (WGS 84)"))
    return geometry
