"""JSON answers rendered straight from presenter dictionaries.

Ninja validates a handler's return value against the operation's response schema and dumps it
again before rendering. The ticket presenters already build exactly the schema's shape, so for
the answers on the hot paths (every create, every list page) that second pass was pure cost:
~6 % of a create's CPU, more on a 50-ticket page. ``rendered`` skips it; the OpenAPI document
still describes the declared schema, and tests/api/test_responses.py holds the presenters'
dictionaries unchanged by a round trip through that schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer

_RENDERER = JSONRenderer()  # the NinjaAPI's own default: same encoder, same output
_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"


def rendered(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """``data`` as the API's JSON answer with ``status``, without schema validation."""
    content = _RENDERER.render(request, data, response_status=status)
    return HttpResponse(content, status=status, content_type=_CONTENT_TYPE)
