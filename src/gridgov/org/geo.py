"""Point-in-grid: which small grid contains a point, via a shapely STRtree over grid polygons."""

import threading

from shapely import STRtree
from shapely.geometry import Point, shape

from .models import Grid

_lock = threading.Lock()
_index: tuple[str, STRtree, list] | None = None


def _version() -> str:
    """Changes whenever small-grid geometry changes, so each process rebuilds its tree lazily."""
    from django.db.models import Count, Max

    agg = Grid.objects.filter(level=Grid.Level.SMALL, geometry__isnull=False).aggregate(n=Count("id"), m=Max("id"))
    from gridgov.core.models import AuditEntry

    last = AuditEntry.objects.filter(object_type="org.grid").order_by("-id").values_list("id", flat=True).first()
    return f"{agg['n']}:{agg['m']}:{last}"


def _tree() -> tuple[STRtree, list]:
    global _index
    version = _version()
    with _lock:
        if _index is None or _index[0] != version:
            rows = list(
                Grid.objects.filter(level=Grid.Level.SMALL, geometry__isnull=False).values_list("code", "geometry")
            )
            shapes = [shape(geom) for _code, geom in rows]
            _index = (version, STRtree(shapes), [(code, shp) for (code, _g), shp in zip(rows, shapes)])
        return _index[1], _index[2]


def locate(lat: float, lng: float) -> str | None:
    """The code of the small grid containing (lat, lng), or None. Points on a shared border go to
    the grid with the smallest code, so the answer is always exactly one grid."""
    tree, entries = _tree()
    point = Point(lng, lat)
    hits = sorted(entries[i][0] for i in tree.query(point, predicate="intersects"))
    return hits[0] if hits else None


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    return shape(geometry).bounds
