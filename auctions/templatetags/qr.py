"""A QR code as inline SVG, drawn on the server (no script, no image request)."""

import segno
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def qr_svg(text: str, title: str = "") -> SafeString:
    """``text`` (e.g. the projector's display link) as a QR code in SVG: black on white
    with the standard quiet zone, so a phone reads it off a screen or a printout."""
    code = segno.make(str(text), error="m")
    # segno escapes the title; the path data is numbers only.
    svg = code.svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=str(title) or None, svgclass="qr"
    )
    return mark_safe(svg)  # noqa: S308
