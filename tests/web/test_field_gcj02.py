"""GCJ-02 against published reference points (googollee/eviltransform's test vectors: Shanghai, Shenzhen,
Beijing), the reverse back to WGS-84 within a centimetre, and no shift outside China."""

import pytest

from gridgov.web.gcj02 import gcj02_to_wgs84, out_of_china, wgs84_to_gcj02

REFERENCE = [  # wgs lat, wgs lng, gcj lat, gcj lng
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
METRE = 1 / 111_000  # a metre in degrees of latitude, roughly


@pytest.mark.parametrize(("w_lat", "w_lng", "g_lat", "g_lng"), REFERENCE)
def test_forward_matches_published_points(w_lat, w_lng, g_lat, g_lng):
    lat, lng = wgs84_to_gcj02(w_lat, w_lng)
    assert abs(lat - g_lat) < 0.05 * METRE and abs(lng - g_lng) < 0.05 * METRE
    # the shift itself is hundreds of metres, so the check is not trivially met
    assert abs(lng - w_lng) > 100 * METRE or abs(lat - w_lat) > 100 * METRE


@pytest.mark.parametrize(("w_lat", "w_lng", "g_lat", "g_lng"), REFERENCE)
def test_reverse_finds_the_wgs84_point(w_lat, w_lng, g_lat, g_lng):
    lat, lng = gcj02_to_wgs84(g_lat, g_lng)
    assert abs(lat - w_lat) < 0.01 * METRE and abs(lng - w_lng) < 0.01 * METRE


def test_round_trip_over_a_town_and_no_shift_abroad():
    for lat in (22.70, 22.705, 22.71):
        for lng in (112.30, 112.305, 112.31):
            back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
            assert abs(back[0] - lat) < 1e-8 and abs(back[1] - lng) < 1e-8
    assert out_of_china(48.8566, 2.3522) and wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert gcj02_to_wgs84(-33.86, 151.21) == (-33.86, 151.21)
