"""Proactive support over REST: alert receivers (Alertmanager, generic JSON) and heartbeats,
authenticated by their own tokens; incidents (public list, agents open, update, resolve, take
over, link tickets). Handlers parse, check the role and call the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from helpmesh.accounts.models import User
from helpmesh.api.access import ERRORS, require_agent
from helpmesh.api.auth import OPEN
from helpmesh.api.errors import ApiError, not_found
from helpmesh.conversations.models import Ticket
from helpmesh.customers.models import Organization
from helpmesh.proactive import alerts, linking, monitors, services
from helpmesh.proactive.models import Component, Incident, IncidentStatus, Severity

router = Router(tags=["proactive"])


@contextmanager
def _refusals() -> Iterator[None]:
    """A service's refusal becomes the API's error shape, naming the field."""
    try:
        yield
    except services.ProactiveError as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.field) from None


class IncidentOut(Schema):
    id: int
    title: str
    status: str
    severity: str
    components: list[str]
    opened_at: datetime
    resolved_at: datetime | None


class UpdateOut(Schema):
    id: int
    status: str
    body: str
    created_at: datetime


class IncidentDetailOut(IncidentOut):
    taken_over_by: str | None
    updates: list[UpdateOut]
    tickets: list[int]


class IncidentsOut(Schema):
    items: list[IncidentOut]


class IncidentIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    severity: str = Severity.MINOR
    components: list[str] = []  # names or slugs
    organizations: list[int] = []
    intents: list[str] = []
    body: str = ""
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None


class UpdateIn(Schema):
    body: str = Field(min_length=1, max_length=5000)
    status: str | None = None


class ResolveIn(Schema):
    body: str = ""


class LinkIn(Schema):
    ticket_id: int


class AlertsOut(Schema):
    received: bool
    incidents: list[int]


def _out(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "status": incident.status,
        "severity": incident.severity,
        "components": [c.name for c in incident.components.all()],
        "opened_at": incident.opened_at,
        "resolved_at": incident.resolved_at,
    }


def _detail(incident: Incident) -> dict[str, Any]:
    return {
        **_out(incident),
        "taken_over_by": incident.taken_over_by.email if incident.taken_over_by else None,
        "updates": list(incident.updates.all()),
        "tickets": list(incident.ticket_links.values_list("ticket_id", flat=True)),
    }


def _incidents() -> QuerySet[Incident]:
    return Incident.objects.prefetch_related("components")


def _incident(incident_id: int) -> Incident:
    incident = _incidents().select_related("taken_over_by").filter(pk=incident_id).first()
    if incident is None:
        raise not_found("incident")
    return incident


def _source(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <source token>")
    source = services.source_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if source is None:
        raise ApiError(403, "forbidden", "this token belongs to no alert source")
    return source


def _receive(request: HttpRequest, kind: str) -> dict[str, Any]:
    source = _source(request)
    with _refusals():
        touched = alerts.receive(source, request.body, kind)
    return {"received": True, "incidents": touched}


@router.post("/proactive/alerts/alertmanager", auth=None, response={200: AlertsOut, **ERRORS})
def alertmanager_webhook(request: HttpRequest) -> Any:
    """Prometheus Alertmanager's webhook (version 4); the source's token as a bearer token."""
    return _receive(request, "alertmanager")


@router.post("/proactive/alerts/generic", auth=None, response={200: AlertsOut, **ERRORS})
def generic_alert(request: HttpRequest) -> Any:
    """One alert as {key, status: firing|resolved, title, component?, severity?, description?}."""
    return _receive(request, "generic")


@router.post("/proactive/heartbeats/{token}", auth=None, response={200: dict, **ERRORS})
def heartbeat(request: HttpRequest, token: str) -> Any:
    """A job says it ran; silence past its period + grace opens an incident."""
    monitor = monitors.ping(token)
    if monitor is None:
        raise not_found("heartbeat")
    return {"monitor": monitor.name, "pinged_at": monitor.last_ping_at}


@router.get("/incidents", auth=OPEN, response={200: IncidentsOut, **ERRORS})
def list_incidents(request: HttpRequest, status: str = "", limit: int = 50) -> Any:
    """Incidents, newest first: ``status=open`` or ``resolved`` narrows the list (public)."""
    rows = _incidents()
    if status == "open":
        rows = rows.exclude(status=IncidentStatus.RESOLVED)
    elif status == "resolved":
        rows = rows.filter(status=IncidentStatus.RESOLVED)
    elif status:
        raise ApiError(400, "invalid", "status must be 'open' or 'resolved'", "status")
    return {"items": [_out(i) for i in rows[: max(1, min(limit, 200))]]}


def _components(names: list[str]) -> list[Component]:
    found = []
    for i, name in enumerate(names):
        component = services.component_named(name)
        if component is None:
            raise ApiError(400, "invalid", f"no component named {name!r}", f"components.{i}")
        found.append(component)
    return found


def _organizations(ids: list[int]) -> list[Organization]:
    found = list(Organization.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise ApiError(400, "invalid", f"no organization {missing[0]}", "organizations")
    return found


@router.post("/incidents", response={201: IncidentDetailOut, **ERRORS})
def open_incident(request: HttpRequest, payload: IncidentIn) -> Any:
    """Open an incident by hand (agents)."""
    agent = require_agent(request)
    new = services.NewIncident(
        title=payload.title,
        severity=payload.severity,
        components=_components(payload.components),
        organizations=_organizations(payload.organizations),
        intents=payload.intents,
        body=payload.body,
        origin="manual",
        scheduled_for=payload.scheduled_for,
        scheduled_until=payload.scheduled_until,
    )
    with _refusals():
        incident = services.open_incident(new, actor=agent)
    return Status(201, _detail(_incident(incident.pk)))


@router.get("/incidents/{incident_id}", auth=OPEN, response={200: IncidentDetailOut, **ERRORS})
def get_incident(request: HttpRequest, incident_id: int) -> Any:
    """One incident with its timeline and linked tickets (public)."""
    return _detail(_incident(incident_id))


@router.post("/incidents/{incident_id}/updates", response={201: UpdateOut, **ERRORS})
def post_update(request: HttpRequest, incident_id: int, payload: UpdateIn) -> Any:
    """Add a public update, optionally moving the status (agents)."""
    agent = require_agent(request)
    with _refusals():
        update = services.post_update(
            _incident(incident_id), payload.body, status=payload.status, actor=agent
        )
    return Status(201, update)


@router.post("/incidents/{incident_id}/resolve", response={200: IncidentDetailOut, **ERRORS})
def resolve(request: HttpRequest, incident_id: int, payload: ResolveIn) -> Any:
    """Resolve it: linked tickets get a final update, affected customers a notice (agents)."""
    agent = require_agent(request)
    incident = _incident(incident_id)
    if not services.resolve_incident(incident, body=payload.body, actor=agent):
        raise ApiError(409, "resolved", "the incident is already resolved", "incident")
    return _detail(_incident(incident_id))


@router.post("/incidents/{incident_id}/take-over", response={200: IncidentDetailOut, **ERRORS})
def take_over(request: HttpRequest, incident_id: int) -> Any:
    """An agent owns the incident: alerts no longer resolve it on their own."""
    agent = require_agent(request)
    services.take_over(_incident(incident_id), actor=agent)
    return _detail(_incident(incident_id))


def _ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise ApiError(400, "invalid", f"no ticket {ticket_id}", "ticket_id")
    return ticket


@router.post("/incidents/{incident_id}/tickets", response={200: IncidentDetailOut, **ERRORS})
def link_ticket(request: HttpRequest, incident_id: int, payload: LinkIn) -> Any:
    """Link a ticket to the incident by hand; the customer is answered with its status."""
    agent: User = require_agent(request)
    incident = _incident(incident_id)
    linking.link(incident, _ticket(payload.ticket_id), reason="agent", actor=agent)
    return _detail(incident)


@router.delete(
    "/incidents/{incident_id}/tickets/{ticket_id}", response={200: IncidentDetailOut, **ERRORS}
)
def unlink_ticket(request: HttpRequest, incident_id: int, ticket_id: int) -> Any:
    """Take a ticket off the incident."""
    agent = require_agent(request)
    incident = _incident(incident_id)
    if not linking.unlink(incident, _ticket(ticket_id), actor=agent):
        raise not_found("link")
    return _detail(incident)


@router.post("/incidents/{incident_id}/solve-tickets", response={200: dict, **ERRORS})
def solve_tickets(request: HttpRequest, incident_id: int) -> Any:
    """Solve every linked ticket in bulk once the incident is resolved (agents)."""
    agent = require_agent(request)
    incident = _incident(incident_id)
    if incident.is_open:
        raise ApiError(409, "open", "resolve the incident first", "incident")
    return {"solved": linking.solve_linked(incident, actor=agent)}
