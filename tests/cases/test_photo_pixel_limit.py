"""Issue 17, finding 10: a photo's pixels are bounded before it is decoded.

A 7740x7740 PNG is cheap to send (here 8 kB: one bit a pixel, all zeros) but cost 2 s and 450 MB to
decode. clean_image, which every photo upload of the site goes through (cases, points claims, star
evidence, patrols), reads the size from the header and refuses it with a message; nothing is stored."""

import struct
import zlib

from gridgov.cases.models import CasePhoto

from .test_api_photos import media, upload  # noqa: F401  (media: uploads go to a temporary folder)


def cheap_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of the given size, all black: its rows are zeros, which deflate to almost nothing."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    pixels = zlib.compressobj(9)
    body = b"".join(pixels.compress(row) for _ in range(height)) + pixels.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_a_huge_png_is_refused_from_its_header_and_nothing_is_stored(api_client, report, media):  # noqa: F811
    case = report()
    data = cheap_png(7740, 7740)
    assert len(data) < 300_000
    response = upload(api_client("resident_a1"), case.pk, data, name="huge.png", content_type="image/png")
    assert response.status_code == 400
    assert "too many pixels (7740 × 7740)" in response.json()["detail"]
    assert not CasePhoto.objects.filter(case=case).exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_small_png_of_the_same_kind_is_still_a_photo(api_client, report):
    case = report()
    response = upload(api_client("resident_a1"), case.pk, cheap_png(640, 480), name="small.png",
                      content_type="image/png")
    assert response.status_code == 201, response.content
    assert CasePhoto.objects.get(case=case).width == 640
