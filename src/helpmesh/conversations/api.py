"""Tickets, messages and tags over REST. Handlers parse, check permission, call a service."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from helpmesh.accounts.models import Team, User
from helpmesh.api import idempotency, pagination, responses
from helpmesh.api.access import ERRORS, require_agent
from helpmesh.api.errors import ApiError, not_found
from helpmesh.api.params import IdFilter, Limit
from helpmesh.conversations import (
    agent_search,
    merging,
    pipeline,
    presenters,
    schemas,
    search,
    services,
)
from helpmesh.conversations.attachments import NewAttachment
from helpmesh.conversations.errors import InboundRejected
from helpmesh.conversations.models import Channel, Tag, Ticket
from helpmesh.conversations.permissions import (
    can_edit_ticket,
    visible_messages,
    visible_tickets,
)
from helpmesh.core import audit
from helpmesh.customers.models import Customer

router = Router(tags=["tickets"])


class TicketFilters(Schema):
    status: str | None = Field(None, max_length=200)  # a comma list of a handful of statuses
    team: IdFilter | None = None
    assignee: IdFilter | None = None
    requester: IdFilter | None = None
    tag: str | None = None
    updated_since: datetime | None = None
    q: str | None = None
    cursor: str | None = None
    limit: Limit = 50


def _ticket_for(request: HttpRequest, ticket_id: int) -> Ticket:
    tickets = visible_tickets(request.user).select_related("requester")  # type: ignore[arg-type]
    ticket = tickets.filter(pk=ticket_id).first()
    if ticket is None:
        raise not_found()
    return ticket


def _decode(files: list[schemas.AttachmentIn]) -> list[NewAttachment]:
    decoded = []
    for index, item in enumerate(files):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                400, "invalid", "not valid base64", f"attachments.{index}.content_base64"
            ) from None
        decoded.append(NewAttachment(item.filename, content, item.content_type))
    return decoded


@router.post("/tickets", response={201: schemas.TicketOut, **ERRORS})
def create_ticket(request: HttpRequest, payload: schemas.TicketCreate) -> Any:
    """Open a ticket. Customers open their own; agents name the requester by email."""
    user: User = request.user  # type: ignore[assignment]
    if payload.channel not in Channel.values:
        raise ApiError(400, "invalid", f"unknown channel {payload.channel!r}", "channel")
    if user.is_agent and not payload.requester_email:
        raise ApiError(400, "required", "agents must name the requester", "requester_email")
    sender = (
        pipeline.Sender("email", payload.requester_email or "", payload.requester_name)
        if user.is_agent
        else pipeline.Sender(user=user)
    )
    key = idempotency.key_of(request)
    inbound = pipeline.Inbound(
        channel=payload.channel if user.is_agent else Channel.API,
        sender=sender,
        subject=payload.subject,
        body_text=payload.body,
        body_html=payload.body_html,
        attachments=_decode(payload.attachments),
        source_id=f"api:{user.pk}:{key}" if key else "",
        raw=request.body,
        entered_by=user if user.is_agent else None,
        team_id=payload.team_id if user.is_agent else None,
        priority=payload.priority if user.is_agent else "normal",
        tags=payload.tags if user.is_agent else [],
        custom_fields=payload.custom_fields if user.is_agent else {},
    )

    def create() -> tuple[int, Any]:
        receipt = pipeline.receive(inbound)
        return 201, presenters.ticket_dicts([receipt.ticket])[0]

    try:
        status, answer = idempotency.once(request, create)
    except InboundRejected as exc:
        raise ApiError(400, exc.code, exc.message, exc.field) from exc
    return responses.rendered(request, answer, status)


@router.get("/tickets", response={200: schemas.TicketPage, **ERRORS})
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> Any:
    """Tickets the caller may see, most recently updated first, a page at a time."""
    tickets = visible_tickets(request.user)  # type: ignore[arg-type]
    tickets = _filtered(tickets, filters, request.user)  # type: ignore[arg-type]
    rows, next_cursor = pagination.page(
        tickets.select_related("requester"), filters.cursor, filters.limit
    )
    page = {"items": presenters.ticket_dicts(rows), "next_cursor": next_cursor}
    return responses.rendered(request, page)


def _filtered(tickets: Any, f: TicketFilters, user: User) -> Any:
    if f.status:
        tickets = tickets.filter(status__in=f.status.split(","))
    if f.team is not None:
        tickets = tickets.filter(team_id=f.team)
    if f.assignee is not None:
        tickets = tickets.filter(assignee_id=f.assignee or None)
    if f.requester is not None:
        tickets = tickets.filter(requester_id=f.requester)
    if f.tag:
        tickets = tickets.filter(tags__name=f.tag)
    if f.updated_since:
        tickets = tickets.filter(updated_at__gte=f.updated_since)
    if f.q and user.is_agent:  # numbers, names, addresses, notes, operators (agent_search)
        tickets = agent_search.matching(tickets, f.q, user)
    elif f.q:  # customers search their own tickets' public text, never internal notes
        tickets = search.matching(tickets, f.q)
    return tickets


@router.get("/tickets/{ticket_id}", response={200: schemas.TicketOut, **ERRORS})
def get_ticket(request: HttpRequest, ticket_id: int) -> Any:
    ticket = _ticket_for(request, ticket_id)
    return responses.rendered(request, presenters.ticket_dicts([ticket])[0])


@router.patch("/tickets/{ticket_id}", response={200: schemas.TicketOut, **ERRORS})
def update_ticket(request: HttpRequest, ticket_id: int, payload: schemas.TicketPatch) -> Any:
    """Change status, priority, team, assignee, tags, subject or custom fields."""
    ticket = _ticket_for(request, ticket_id)
    if not can_edit_ticket(request.user):  # type: ignore[arg-type]
        raise ApiError(403, "forbidden", "only agents and admins change tickets")
    sent = payload.model_fields_set
    changes = services.TicketChanges(
        subject=payload.subject,
        status=payload.status,
        priority=payload.priority,
        team=_team(payload.team_id),
        clear_team="team_id" in sent and payload.team_id is None,
        assignee=_assignee(payload.assignee_id),
        clear_assignee="assignee_id" in sent and payload.assignee_id is None,
        tags=payload.tags,
        add_tags=payload.add_tags,
        remove_tags=payload.remove_tags,
        custom_fields=payload.custom_fields,
    )
    services.update_ticket(ticket, changes, actor=request.user)  # type: ignore[arg-type]
    return get_ticket(request, ticket_id)


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ApiError(400, "invalid", f"team {team_id} does not exist", "team_id")
    return team


def _assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ApiError(400, "invalid", f"user {user_id} does not exist", "assignee_id")
    return user


@router.get("/tickets/{ticket_id}/messages", response={200: list[schemas.MessageOut], **ERRORS})
def list_messages(request: HttpRequest, ticket_id: int) -> Any:
    ticket = _ticket_for(request, ticket_id)
    messages = presenters.messages_with_relations(visible_messages(request.user, ticket))  # type: ignore[arg-type]
    return [presenters.message_dict(m) for m in messages]


@router.post("/tickets/{ticket_id}/messages", response={201: schemas.MessageOut, **ERRORS})
def add_message(request: HttpRequest, ticket_id: int, payload: schemas.MessageCreate) -> Any:
    """A reply or, for agents, an internal note. Customers' replies go through the pipeline."""
    ticket = _ticket_for(request, ticket_id)
    user: User = request.user  # type: ignore[assignment]
    files = _decode(payload.attachments)

    def create() -> tuple[int, Any]:
        if user.is_agent:
            message = services.add_message(
                ticket,
                services.NewMessage(payload.body, payload.body_html, files),
                channel=Channel.API,
                author_user=user,
                internal=payload.internal,
            )
        else:
            if payload.internal:
                raise ApiError(403, "forbidden", "only agents write internal notes", "internal")
            receipt = pipeline.receive(
                pipeline.Inbound(
                    channel=Channel.API,
                    sender=pipeline.Sender(user=user),
                    body_text=payload.body,
                    body_html=payload.body_html,
                    attachments=files,
                    ticket_id=ticket.pk,
                    raw=request.body,
                )
            )
            message = receipt.message
        loaded = presenters.messages_with_relations(ticket.messages.filter(pk=message.pk)).get()
        return 201, presenters.message_dict(loaded)

    try:
        return Status(*idempotency.once(request, create))
    except InboundRejected as exc:
        raise ApiError(400, exc.code, exc.message, exc.field) from exc


@router.get("/tickets/{ticket_id}/events", response={200: list[schemas.EventOut], **ERRORS})
def list_events(request: HttpRequest, ticket_id: int) -> Any:
    """The ticket's timeline from the audit log (agents only: it names internal notes)."""
    ticket = _ticket_for(request, ticket_id)
    require_agent(request, "the timeline is for agents")
    return [
        {
            "seq": e.seq,
            "kind": e.kind,
            "occurred_at": e.occurred_at,
            "actor": e.actor_label,
            "data": e.data,
        }
        for e in audit.events_for("ticket", ticket.pk)
    ]


@router.post("/tickets/{ticket_id}/merge", response={200: schemas.TicketOut, **ERRORS})
def merge_ticket(request: HttpRequest, ticket_id: int, payload: schemas.MergeIn) -> Any:
    """Merge this ticket into ``target_id``; answers the target."""
    source = _ticket_for(request, ticket_id)
    target = _ticket_for(request, payload.target_id)
    merging.merge_tickets(source, target, actor=request.user)  # type: ignore[arg-type]
    return get_ticket(request, target.pk)


@router.post("/tickets/{ticket_id}/links", response={201: dict, **ERRORS})
def link_ticket(request: HttpRequest, ticket_id: int, payload: schemas.LinkIn) -> Any:
    source = _ticket_for(request, ticket_id)
    target = _ticket_for(request, payload.target_id)
    if not can_edit_ticket(request.user):  # type: ignore[arg-type]
        raise ApiError(403, "forbidden", "only agents and admins link tickets")
    link = merging.link_tickets(source, target, kind=payload.kind, actor=request.user)  # type: ignore[arg-type]
    return Status(
        201, {"source_id": link.source_id, "target_id": link.target_id, "kind": link.kind}
    )


@router.get("/tags", response={200: list[schemas.TagOut], **ERRORS})
def list_tags(request: HttpRequest) -> Any:
    """Tags in use, most used first (agents only)."""
    require_agent(request, "tags are for agents")
    tags = Tag.objects.annotate(n=Count("tickets")).order_by("-n", "name")[:500]
    return [{"name": t.name, "tickets": t.n} for t in tags]


class CustomerMergeIn(Schema):
    source_id: int


@router.post("/customers/{customer_id}/merge", response={200: dict, **ERRORS}, tags=["customers"])
def merge_customer(request: HttpRequest, customer_id: int, payload: CustomerMergeIn) -> Any:
    """Merge customer ``source_id`` into this one: identities, login and tickets follow."""
    require_agent(request, "customer profiles are for agents")
    survivor = Customer.objects.filter(pk=customer_id).first()
    absorbed = Customer.objects.filter(pk=payload.source_id).first()
    if survivor is None or absorbed is None:
        raise ApiError(
            404, "not_found", "no such customer", "source_id" if survivor else "customer_id"
        )
    merging.merge_customers(survivor, absorbed, actor=request.user)  # type: ignore[arg-type]
    return {
        "id": survivor.pk,
        "merged": absorbed.pk,
        "tickets": survivor.tickets.count(),
        "identities": [f"{i.kind}:{i.value}" for i in survivor.identities.all()],
    }
