"""GET /favicon.ico: browsers ask for it whatever the page links, so send them to the SVG."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET

FAVICON = "helpmesh/favicon.svg"


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(static(FAVICON))
