"""The widget script at ``/widget.js`` (one file, no framework; static/chat/widget.js)."""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@cache
def _script() -> bytes:
    path = finders.find("chat/widget.js")
    if not path:
        raise FileNotFoundError("chat/widget.js is missing from the static files")
    with open(str(path), "rb") as handle:
        return handle.read()


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """The embeddable script; any site may load it (it finds its own origin for the API)."""
    response = HttpResponse(_script(), content_type="application/javascript; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response
