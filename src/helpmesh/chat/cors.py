"""Cross-origin access for the widget: it runs on customers' own sites and calls the visitor
API from there. Only the visitor paths are open to every origin, and without credentials
(the widget never sends cookies; the visitor token is its proof), so no agent's session can be
used from another site. Everything else keeps the same-origin rule."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

OPEN_PATHS = ("/api/v1/chat/sessions", "/api/v1/chat/status")
ALLOW_HEADERS = "Content-Type, X-Visitor-Token, Last-Event-ID"


class VisitorCors:
    """Answer preflights and mark visitor API answers readable by any origin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = "600"
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        return response
