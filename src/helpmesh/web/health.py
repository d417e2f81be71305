"""GET /healthz (the process answers) and GET /readyz (it can serve: database and broker).

No sign-in and no session: a load balancer or an orchestrator calls them every few seconds.
``/healthz`` never touches the database, so an outage of the database does not get every web
process restarted; ``/readyz`` takes the process out of rotation until the parts are back.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from helpmesh.core import health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    failing = health.failures()
    if failing:
        detail = "; ".join(f"{name}: {reason}" for name, reason in failing.items())
        return JsonResponse(
            {"status": "unavailable", "failing": sorted(failing), "detail": detail}, status=503
        )
    return JsonResponse({"status": "ok", "checked": health.parts()})
