"""QR codes drawn here as inline SVG (the qrcode package), never by an outside service: many
deployments run on a closed network, and the encoded text (an enrolment secret, a check-in link) is
nobody else's business."""

import io

from django.utils.safestring import SafeString, mark_safe


def svg(text: str, box_size: int = 20, border: int = 2) -> SafeString:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=border)
    out = io.BytesIO()
    image.save(out)
    drawn = out.getvalue().decode()
    # Our own markup, with the text only as the path's geometry: safe to place in a page.
    return mark_safe(drawn[drawn.index("<svg"):])
