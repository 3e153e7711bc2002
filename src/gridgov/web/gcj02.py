"""WGS-84 ⇄ GCJ-02 (the offset coordinates of 高德 / 腾讯 maps), for GRIDGOV_MAP_CRS = gcj02.

Phones give WGS-84 and gridgov stores WGS-84 (天地图's CGCS2000 is WGS-84 to within centimetres); on
GCJ-02 tiles a position is shifted for display and shifted back before it is stored. The forward formula
is the widely published one (Krasovsky 1940 ellipsoid, a = 6378245 m, e² = 0.00669342162296594323), as in
googollee/eviltransform (https://github.com/googollee/eviltransform, BSD-2-Clause), whose reference points
tests/web/test_field_gcj02.py checks. The reverse has no closed form: it iterates the forward shift until
it maps back within 1e-9 degrees (a few iterations; well under a millimetre). Outside China the offset is
not applied (the same bounding box as eviltransform). web/static/web/mapbase.js is the same in JavaScript.
"""

import math

A = 6378245.0
EE = 0.00669342162296594323


def out_of_china(lat: float, lng: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform(x: float, y: float) -> tuple[float, float]:
    xy, abs_x = x * y, math.sqrt(abs(x))
    x_pi, y_pi = x * math.pi, y * math.pi
    d = 20.0 * math.sin(6.0 * x_pi) + 20.0 * math.sin(2.0 * x_pi)
    lat = d + 20.0 * math.sin(y_pi) + 40.0 * math.sin(y_pi / 3.0)
    lng = d + 20.0 * math.sin(x_pi) + 40.0 * math.sin(x_pi / 3.0)
    lat += 160.0 * math.sin(y_pi / 12.0) + 320.0 * math.sin(y_pi / 30.0)
    lng += 150.0 * math.sin(x_pi / 12.0) + 300.0 * math.sin(x_pi / 30.0)
    lat *= 2.0 / 3.0
    lng *= 2.0 / 3.0
    lat += -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * xy + 0.2 * abs_x
    lng += 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * xy + 0.1 * abs_x
    return lat, lng


def _delta(lat: float, lng: float) -> tuple[float, float]:
    d_lat, d_lng = _transform(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((A * (1 - EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _delta(lat, lng)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    w_lat, w_lng = lat, lng
    for _ in range(30):
        g_lat, g_lng = wgs84_to_gcj02(w_lat, w_lng)
        e_lat, e_lng = g_lat - lat, g_lng - lng
        if abs(e_lat) < 1e-9 and abs(e_lng) < 1e-9:
            break
        w_lat, w_lng = w_lat - e_lat, w_lng - e_lng
    return w_lat, w_lng
