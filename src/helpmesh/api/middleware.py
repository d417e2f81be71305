"""Refuse an API request that is too large before anything reads its body.

``DATA_UPLOAD_MAX_MEMORY_SIZE`` only guards form parsing; the API reads ``request.body`` as JSON
(or raw mail), so without this a client could make a worker hold any size of body in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class RequestSizeLimit:
    """413 in the API's error shape for ``/api/`` bodies over ``HELPMESH_MAX_REQUEST_BYTES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/") and _too_large(request):
            limit = settings.HELPMESH_MAX_REQUEST_BYTES
            error = {"code": "too_large", "detail": f"the body is over {limit} bytes", "field": ""}
            return HttpResponse(json.dumps(error), status=413, content_type="application/json")
        return self.get_response(request)


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django reads a garbled length as no body
    return length > settings.HELPMESH_MAX_REQUEST_BYTES
