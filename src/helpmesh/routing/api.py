"""Routing over REST: a ticket's routing trace and SLA, escalation, presence, support model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from helpmesh.accounts.models import User
from helpmesh.api.access import ERRORS, require_admin, require_agent
from helpmesh.api.errors import ApiError, not_found
from helpmesh.conversations.models import Ticket
from helpmesh.conversations.permissions import can_edit_ticket, visible_tickets
from helpmesh.routing import services, sla, yaml_io
from helpmesh.routing.models import AgentPresence, SupportModel
from helpmesh.routing.validation import SpecError

router = Router(tags=["routing"])


class DecisionOut(Schema):
    id: int
    kind: str
    created_at: datetime
    rule: str
    team: str
    assignee_id: int | None
    assignee: str
    tier: int | None
    trace: list[str]
    summary: str


class SlaOut(Schema):
    policy: str
    calendar: str
    first_response_due: datetime | None
    next_response_due: datetime | None
    resolution_due: datetime | None
    next_due_at: datetime | None
    paused: bool
    overdue: bool
    warned: list[str]
    breached: list[str]
    met: list[str]


class EscalateIn(Schema):
    note: str = Field(min_length=1, max_length=10_000)


class PresenceIn(Schema):
    status: str
    capacity: dict[str, int] | None = None
    default_capacity: int | None = Field(None, ge=0, le=1000)


class PresenceOut(Schema):
    status: str
    capacity: dict[str, int]
    default_capacity: int


class ModelDoc(Schema):
    document: dict[str, Any]


def _agent_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_agent:
        raise not_found()  # customers never learn how their ticket was routed
    ticket = visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        raise not_found()
    return ticket


def _admin(request: HttpRequest) -> User:
    return require_admin(request, "only admins change the support model")


@router.get("/tickets/{ticket_id}/routing", response={200: list[DecisionOut], **ERRORS})
def routing_trace(request: HttpRequest, ticket_id: int) -> Any:
    """Every routing decision on the ticket with its readable trace, oldest first."""
    return services.trace_for(_agent_ticket(request, ticket_id))


@router.get("/tickets/{ticket_id}/sla", response={200: SlaOut | None, **ERRORS})
def ticket_sla(request: HttpRequest, ticket_id: int) -> Any:
    """Due times (null when met, paused or not covered), breaches and warnings."""
    ticket = _agent_ticket(request, ticket_id)
    return sla.due_times_for([ticket]).get(ticket.pk)


@router.post("/tickets/{ticket_id}/escalate", response={200: DecisionOut, **ERRORS})
def escalate(request: HttpRequest, ticket_id: int, payload: EscalateIn) -> Any:
    """Send the ticket one tier up with a required handoff note."""
    ticket = _agent_ticket(request, ticket_id)
    if not can_edit_ticket(request.user):  # type: ignore[arg-type]
        raise ApiError(403, "forbidden", "light agents cannot escalate")
    record = services.escalate(ticket, actor=request.user, note=payload.note)  # type: ignore[arg-type]
    return next(d for d in services.trace_for(ticket) if d["id"] == record.pk)


@router.get("/me/presence", response={200: PresenceOut, **ERRORS})
def my_presence(request: HttpRequest) -> Any:
    """The agent's own status and capacity (customers have no presence: 403)."""
    user = require_agent(request, "presence is for agents")
    presence = AgentPresence.objects.filter(agent_id=user.pk).first()
    if presence is None:
        return {"status": "offline", "capacity": {}, "default_capacity": 20}
    return presence


@router.api_operation(["PUT", "POST"], "/me/presence", response={200: PresenceOut, **ERRORS})
def set_my_presence(request: HttpRequest, payload: PresenceIn) -> Any:
    """An agent goes online, away or offline (and may set capacity per channel)."""
    user = require_agent(request, "presence is for agents")
    return services.set_presence(
        user, payload.status, capacity=payload.capacity, default_capacity=payload.default_capacity
    )


@router.get("/support-model", response={200: ModelDoc, **ERRORS})
def export_model(request: HttpRequest) -> Any:
    """The whole support model document (the YAML export, as JSON)."""
    _admin(request)
    return {"document": yaml_io.export_document()}


@router.post("/support-model/apply", response={200: dict, **ERRORS})
def apply_model(request: HttpRequest, payload: ModelDoc) -> Any:
    """Validate and apply a document; a bad key answers 400 naming it in ``field``."""
    user = _admin(request)
    try:
        counts = yaml_io.apply_document(payload.document, actor=user)
    except SpecError as exc:
        raise ApiError(400, "invalid", str(exc), exc.path) from None
    return {"applied": counts}


@router.post("/support-model/validate", response={200: dict, **ERRORS})
def validate_model(request: HttpRequest, payload: ModelDoc) -> Any:
    """Check a document without applying it."""
    _admin(request)
    try:
        yaml_io.validate(payload.document)
    except SpecError as exc:
        raise ApiError(400, "invalid", str(exc), exc.path) from None
    return {"valid": True}


@router.get("/support-models", response={200: list[dict], **ERRORS})
def list_models(request: HttpRequest) -> Any:
    _admin(request)
    return [
        {"name": m.name, "active": m.is_active, "updated_at": m.updated_at}
        for m in SupportModel.objects.all()
    ]


@router.post("/support-models/{name}/activate", response={200: dict, **ERRORS})
def activate_model(request: HttpRequest, name: str) -> Any:
    """Make ``name`` the active model (the others become inactive)."""
    user = _admin(request)
    if not services.activate_model(name, actor=user):
        raise ApiError(404, "not_found", "no such support model")
    return {"active": name}


@router.delete("/support-models/{name}", response={204: None, **ERRORS})
def delete_model(request: HttpRequest, name: str) -> Any:
    user = _admin(request)
    if not services.delete_model(name, actor=user):
        raise ApiError(404, "not_found", "no such support model")
    return Status(204, None)
