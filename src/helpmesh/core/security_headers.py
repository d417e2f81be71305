"""Browser-side defences on every answer: CSP, Permissions-Policy, HSTS and Secure cookies.

Every HTML page gets one Content-Security-Policy that allows scripts, styles, fonts and
connections from our own origin only: no inline script, no inline ``<style>``, no ``eval``,
nothing from a CDN. Templates (the inbox, the portal, the help center, the community, the admin,
Swagger UI) therefore load behaviour from static files and use htmx attributes, never ``onclick=``
or ``hx-on`` (docs/web.md). Over HTTPS (the request is secure, or ``HELPMESH_HTTPS`` says TLS ends
at a proxy in front) answers carry HSTS and every cookie set is marked Secure.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# img-src allows data: for Swagger UI's icons and the favicon; message images never load from
# elsewhere (conversations.sanitize holds remote src= back). frame-ancestors repeats
# X-Frame-Options for browsers that only read CSP.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# Powerful features no helpmesh page uses: an injected script or frame cannot ask for them.
PERMISSIONS = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeaders:
    """Add the headers above; a view that set its own CSP keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        if served_over_https(request):
            seconds = int(getattr(settings, "HELPMESH_HSTS_SECONDS", 31_536_000))
            if seconds:
                response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
            for cookie in response.cookies.values():
                cookie["secure"] = True
        return response


def served_over_https(request: HttpRequest) -> bool:
    """True when the browser reached us over TLS: directly, through a proxy that says so
    (``SECURE_PROXY_SSL_HEADER``), or as ``HELPMESH_HTTPS`` declares for every request."""
    return request.is_secure() or bool(getattr(settings, "HELPMESH_HTTPS", False))
