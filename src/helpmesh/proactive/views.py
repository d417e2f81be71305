"""The public status page (/status), its JSON (/status.json) and Atom feed (/status/feed.atom),
and the email subscription and opt-out pages. Server-rendered, no JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_http_methods

from helpmesh.proactive import outreach, status, subscriptions
from helpmesh.proactive.models import Incident, IncidentUpdate
from helpmesh.proactive.services import ProactiveError

FEED_ENTRIES = 50


def page(request: HttpRequest) -> HttpResponse:
    """Components, open incidents with their timelines, maintenance, 90 days of uptime."""
    return render(request, "proactive/status.html", {"page": status.build()})


def _incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "status": incident.status,
        "severity": incident.severity,
        "components": [c.name for c in incident.components.all()],
        "opened_at": incident.opened_at.isoformat(),
        "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        "scheduled_for": incident.scheduled_for.isoformat() if incident.scheduled_for else None,
        "scheduled_until": (
            incident.scheduled_until.isoformat() if incident.scheduled_until else None
        ),
        "updates": [
            {"status": u.status, "body": u.body, "created_at": u.created_at.isoformat()}
            for u in incident.updates.all()
        ],
    }


def page_json(request: HttpRequest) -> JsonResponse:
    """The same page for machines."""
    built = status.build()
    return JsonResponse(
        {
            "updated_at": built.now.isoformat(),
            "status": built.overall,
            "components": [
                {
                    "name": row.component.name,
                    "slug": row.component.slug,
                    "state": row.component.state,
                    "uptime_90d": row.uptime,
                }
                for row in built.components
            ],
            "incidents": [_incident_json(i) for i in built.open_incidents],
            "maintenance": [_incident_json(i) for i in built.maintenance],
        }
    )


def feed(request: HttpRequest) -> HttpResponse:
    """An Atom feed: one entry per incident update, newest first."""
    base = request.build_absolute_uri("/status")
    atom = Atom1Feed(
        title="Status updates",
        link=base,
        description="Incidents and maintenance",
        feed_url=request.build_absolute_uri(),
        language="en",
    )
    updates = IncidentUpdate.objects.select_related("incident").order_by("-created_at", "-id")
    for update in updates[:FEED_ENTRIES]:
        incident = update.incident
        atom.add_item(
            title=f"{incident.title}: {update.get_status_display()}",
            link=f"{base}#incident-{incident.pk}",
            description=update.body,
            unique_id=f"{base}#incident-{incident.pk}-update-{update.pk}",
            unique_id_is_permalink=False,
            pubdate=update.created_at,
            updateddate=update.created_at,
        )
    return HttpResponse(
        atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )


@require_http_methods(["POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Ask for updates by email: a confirmation link is mailed (double opt-in)."""
    email = request.POST.get("email", "")
    try:
        subscriptions.subscribe(email)
    except ProactiveError as exc:
        return render(request, "proactive/notice.html", {"error": exc.message}, status=400)
    return render(
        request,
        "proactive/notice.html",
        {"message": f"We sent a confirmation link to {email.strip()}. Follow it to subscribe."},
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriptions.confirm(token)
    if subscriber is None:
        return render(
            request, "proactive/notice.html", {"error": "This link is not valid."}, status=404
        )
    return render(
        request,
        "proactive/notice.html",
        {"message": f"{subscriber.email} now gets status updates."},
    )


def _ask_then_apply(
    request: HttpRequest, action: str, apply: Callable[[], object | None], done: str
) -> HttpResponse:
    """GET asks (mail scanners follow links), POST applies."""
    if request.method == "GET":
        return render(request, "proactive/confirm_action.html", {"action": action})
    if apply() is None:
        return render(
            request, "proactive/notice.html", {"error": "This link is not valid."}, status=404
        )
    return render(request, "proactive/notice.html", {"message": done})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A subscriber leaves."""
    return _ask_then_apply(
        request,
        "Unsubscribe",
        lambda: subscriptions.unsubscribe(token),
        "You will get no more status mail.",
    )


@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """A customer stops incident notices."""
    return _ask_then_apply(
        request,
        "Stop incident notices",
        lambda: outreach.opt_out(token),
        "You will get no more incident notices.",
    )
