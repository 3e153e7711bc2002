"""Point-in-grid: which small grid contains a point, via a bucket index over the grids' bounding boxes.

The county's plane is cut into cells about the size of a typical small grid; each cell lists the
grids whose bounding box reaches it, in code order. A lookup computes its cell with two
multiplications, then tests that cell's few grids: a grid that is exactly its bounding box (every
demo grid, and most grids drawn as rectangles) by four float comparisons, any other by GEOS's
prepared `intersects` — the predicate the STRtree of earlier versions used, so the answers are the
same on edges and vertices (benchmarks/bench_point_in_grid.py compares them point by point).

Each process keeps one index and rebuilds it when the small grids' boundaries change: at once in the
process that made the change (invalidate(), on commit), and in every other process at its next
lookup after RECHECK_SECONDS since its last check, which compares a cheap fingerprint of the grid
table (count, highest id and the sums of the bounding boxes) with the one the index was built from:
a hot process then locates points with no query at all. A reshaping that keeps every bounding box
exactly is caught by the other processes within REBUILD_SECONDS.
"""

import math
import statistics
import threading
import time
from collections.abc import Iterable

import shapely
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .models import Grid

REBUILD_SECONDS = 600
# How stale another process's boundary change may be seen here: the fingerprint query is the largest
# part of a lookup's cost, and a boundary change is rare and made by people.
RECHECK_SECONDS = 2.0
# A grid whose bounding box spans more cells than this (a stray huge polygon) is not copied into
# each of them but kept in one list every lookup checks, so one bad boundary cannot fill memory.
WIDE_CELLS = 64
_lock = threading.Lock()
# (fingerprint, built at, locator, fingerprint last checked at), times by time.monotonic()
_index: "tuple[tuple, float, Locator, float] | None" = None


def _is_box(geom: BaseGeometry) -> bool:
    """True when the polygon is its own bounding box: its ring visits the box's four corners along
    axis-parallel edges. Then "the point intersects it" is exactly "min <= coordinate <= max"."""
    if geom.geom_type != "Polygon" or len(geom.interiors):
        return False
    ring = list(geom.exterior.coords)
    if len(ring) != 5 or ring[0] != ring[4]:
        return False
    min_x, min_y, max_x, max_y = geom.bounds
    corners = {(min_x, min_y), (min_x, max_y), (max_x, min_y), (max_x, max_y)}
    if {(x, y) for x, y, *_z in ring[:4]} != corners:
        return False
    # Every edge changes exactly one coordinate: rules out the bow tie through the same corners.
    return all((a[0] == b[0]) != (a[1] == b[1]) for a, b in zip(ring, ring[1:]))


class Locator:
    """The code of the first (smallest) code among polygons containing a point, borders included."""

    __slots__ = ("_x0", "_y0", "_x1", "_y1", "_kx", "_ky", "_stride", "_cells", "_wide", "size")

    def __init__(self, rows: Iterable[tuple[str, dict | BaseGeometry]]):
        entries = []
        for code, geometry in sorted(rows, key=lambda row: row[0]):
            geom = geometry if isinstance(geometry, BaseGeometry) else shape(geometry)
            if geom.is_empty:
                continue
            min_x, min_y, max_x, max_y = geom.bounds
            if _is_box(geom):
                test = None
            else:
                shapely.prepare(geom)
                # GEOS builds a prepared polygon's point locator at its first use, without a lock; one
                # lookup here builds it before threads of a threaded server share the index.
                shapely.intersects_xy(geom, (min_x + max_x) / 2, (min_y + max_y) / 2)
                test = geom
            # (order, bounds, code, geometry to test or None for a box); order keeps the codes' order.
            entries.append((len(entries), min_x, min_y, max_x, max_y, code, test))
        self.size = len(entries)
        self._cells: dict[int, tuple] = {}
        self._wide: tuple = ()
        if not entries:
            self._x0 = self._y0 = math.inf  # no point passes the extent test
            self._x1 = self._y1 = -math.inf
            return
        self._x0 = min(e[1] for e in entries)
        self._y0 = min(e[2] for e in entries)
        self._x1 = max(e[3] for e in entries)
        self._y1 = max(e[4] for e in entries)
        # Cells the size of the median grid: a point's cell then lists about two to four grids.
        width = statistics.median(e[3] - e[1] for e in entries)
        height = statistics.median(e[4] - e[2] for e in entries)
        self._kx = 1.0 / width if width > 0 else 1.0
        self._ky = 1.0 / height if height > 0 else 1.0
        # Cell numbers come from the same monotonic float expression for a grid's bounds and for a
        # point, so a point inside a bounding box always lands in one of the cells the grid was
        # filed under, whatever the rounding.
        self._stride = self._iy(self._y1) + 1
        cells: dict[int, list] = {}
        wide = []
        for e in entries:
            ix0, ix1, iy0, iy1 = self._ix(e[1]), self._ix(e[3]), self._iy(e[2]), self._iy(e[4])
            if (ix1 - ix0 + 1) * (iy1 - iy0 + 1) > WIDE_CELLS:
                wide.append(e)
                continue
            for ix in range(ix0, ix1 + 1):
                for iy in range(iy0, iy1 + 1):
                    cells.setdefault(ix * self._stride + iy, []).append(e)
        self._cells = {key: tuple(bucket) for key, bucket in cells.items()}  # entries went in in code order
        self._wide = tuple(wide)

    def _ix(self, x: float) -> int:
        return int((x - self._x0) * self._kx)

    def _iy(self, y: float) -> int:
        return int((y - self._y0) * self._ky)

    def locate(self, lat: float, lng: float) -> str | None:
        """The smallest code among the polygons the point (lat, lng) intersects, or None."""
        x, y = float(lng), float(lat)
        # Also refuses NaN, whose comparisons are all false.
        if not (self._x0 <= x <= self._x1 and self._y0 <= y <= self._y1):
            return None
        found = None
        key = int((x - self._x0) * self._kx) * self._stride + int((y - self._y0) * self._ky)
        for e in self._cells.get(key, ()):
            if e[1] <= x <= e[3] and e[2] <= y <= e[4] and (e[6] is None or shapely.intersects_xy(e[6], x, y)):
                found = e
                break
        for e in self._wide:
            if found is not None and e[0] > found[0]:
                break
            if e[1] <= x <= e[3] and e[2] <= y <= e[4] and (e[6] is None or shapely.intersects_xy(e[6], x, y)):
                found = e
                break
        return None if found is None else found[5]


def _small_grids_with_boundary():
    return Grid.objects.filter(level=Grid.Level.SMALL, min_lng__isnull=False)


def _fingerprint() -> tuple:
    agg = _small_grids_with_boundary().aggregate(
        n=Count("id"), m=Max("id"), a=Sum("min_lng"), b=Sum("min_lat"), c=Sum("max_lng"), d=Sum("max_lat"))
    # Rounded, so that the sums' float noise between databases cannot force needless rebuilds.
    return tuple(round(v, 9) if isinstance(v, float) else v for v in agg.values())


def invalidate() -> None:
    """Forget the index; the next lookup rebuilds it (called after a boundary change commits)."""
    global _index
    with _lock:
        _index = None


def _locator() -> Locator:
    global _index
    index = _index
    if index is not None and time.monotonic() - index[3] < RECHECK_SECONDS:
        return index[2]
    fingerprint = _fingerprint()
    with _lock:
        now = time.monotonic()
        if _index is None or _index[0] != fingerprint or now - _index[1] > REBUILD_SECONDS:
            _index = (fingerprint, now, Locator(_small_grids_with_boundary().values_list("code", "geometry")), now)
        else:
            _index = (*_index[:3], now)
        return _index[2]


def locate(lat: float, lng: float) -> str | None:
    """The code of the small grid containing (lat, lng), or None. Points on a shared border go to
    the grid with the smallest code, so the answer is always exactly one grid."""
    return _locator().locate(lat, lng)


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
