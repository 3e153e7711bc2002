"""The two wire formats of GeoReport v2: XML (required by the spec) and JSON, from one tree of values.

A document is described once as plain Python: a dict is an element with children in key order, a
list is repeated elements, and the XML needs the element name of each list item (ITEM_NAMES). JSON is
the same values with the list wrappers dropped, as the spec's JSON examples have them.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# Element name of one item in a list element, for the XML form.
ITEM_NAMES = {
    "service_requests": "request",
    "services": "service",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# XML 1.0 cannot carry these characters at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """An answer of errors: HTTP `status` and [(code, description), ...]."""

    def __init__(self, status: int, errors: list[tuple[int, str]], headers: dict | None = None):
        super().__init__("; ".join(str(d) for _c, d in errors))
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _append(element, name, child)
    elif isinstance(value, list):
        item = ITEM_NAMES[element.tag]
        for child in value:
            _append(element, item, child)
    else:
        element.text = _text(value)


def _append(parent: ET.Element, name: str, value) -> None:
    _fill(ET.SubElement(parent, name), value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def respond(fmt: str, root: str, value, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """`value` as the body in `fmt`; for JSON a root that is a list element (e.g. services) is the list."""
    body = to_xml(root, value) if fmt == "xml" else to_json(value)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, header in (headers or {}).items():
        response[name] = header
    return response


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    items = [{"code": code, "description": str(description)} for code, description in error.errors]
    return respond(fmt, "errors", items, status=error.status, headers=error.headers)
