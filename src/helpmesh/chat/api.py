"""The chat API (mounted under /api/v1/), docs/chat.md.

Visitors need no account: ``POST /chat/sessions`` returns a secret ``visitor_token`` that every
later call sends in the ``X-Visitor-Token`` header (the event stream, which an EventSource
cannot give headers, takes ``?token=``). A wrong or missing token is a 403. Agents answer in
the inbox; their stream and typing signal are here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Router, Schema, Status

from helpmesh.api.access import ERRORS, require_agent
from helpmesh.api.errors import not_found
from helpmesh.chat import services, streams
from helpmesh.chat.models import ChatSession
from helpmesh.conversations.models import Channel
from helpmesh.conversations.permissions import visible_tickets

router = Router(tags=["chat"])
TOKEN_HEADER = "X-Visitor-Token"  # noqa: S105 - a header name, not a secret


class StartIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)


class SessionOut(Schema):
    id: int
    visitor_token: str
    ticket_id: int | None


class MessageIn(Schema):
    body: str = Field(max_length=services.MAX_BODY)
    client_id: str = Field("", max_length=64)  # a retried send with the same id lands once


class SourceOut(Schema):
    kind: str = ""
    id: int | None = None
    title: str = ""
    url: str = ""


class EntryOut(Schema):
    id: int
    author: str  # visitor | bot | agent
    name: str
    body: str
    channel: str
    sources: list[SourceOut]
    at: datetime


class PostedOut(EntryOut):
    state: str  # bot: the bot answered, waiting for the visitor; staff: a person will answer


class TranscriptOut(Schema):
    id: int
    ticket_id: int | None
    state: str
    messages: list[EntryOut]


class HandoffOut(Schema):
    id: int
    ticket_id: int | None
    queued: bool  # False until the first message when asked before writing anything
    agents_online: bool  # False: offer "leave your email"
    assignee: str | None


class EmailIn(Schema):
    email: str = Field(max_length=254)
    body: str = Field("", max_length=services.MAX_BODY)


class EmailOut(Schema):
    id: int
    ticket_id: int | None
    channel: str | None


class StatusOut(Schema):
    agents_online: bool


def _visitor(request: HttpRequest, session_id: int, token: str = "") -> ChatSession:
    return services.session_for(session_id, token or request.headers.get(TOKEN_HEADER, ""))


def _stream(events: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _last_event_id(request: HttpRequest, after: int) -> int:
    header = request.headers.get("Last-Event-ID", "")
    return int(header) if header.isdigit() else after


@router.get("/chat/status", response={200: StatusOut, **ERRORS}, auth=None)
def chat_status(request: HttpRequest) -> dict[str, Any]:
    """Whether an agent can take a chat now (the widget offers email otherwise)."""
    return {"agents_online": services.agents_online()}


@router.post("/chat/sessions", response={201: SessionOut, **ERRORS}, auth=None)
def start_session(request: HttpRequest, payload: StartIn) -> Status:
    """Open a chat (anonymous, or with the pre-chat form's name and email)."""
    session, token = services.start(name=payload.name, email=payload.email)
    return Status(201, {"id": session.pk, "visitor_token": token, "ticket_id": session.ticket_id})


@router.post("/chat/sessions/{session_id}/messages", response={201: PostedOut, **ERRORS}, auth=None)
def post_message(request: HttpRequest, session_id: int, payload: MessageIn) -> Status:
    """The visitor writes: the message lands on the chat's ticket through the pipeline."""
    session = _visitor(request, session_id)
    message = services.post(session, payload.body, client_id=payload.client_id)
    entry = next(
        e for e in services.transcript(session, after=message.pk - 1) if e["id"] == message.pk
    )
    session.ticket.refresh_from_db()  # type: ignore[union-attr]  # post() set it
    return Status(201, {**entry, "state": services.state(session)})


@router.get(
    "/chat/sessions/{session_id}/messages", response={200: TranscriptOut, **ERRORS}, auth=None
)
def read_transcript(request: HttpRequest, session_id: int, after: int = 0) -> dict[str, Any]:
    """The transcript: the visitor's, the bot's (with sources) and the agents' messages."""
    session = _visitor(request, session_id)
    services.touch(session)
    return {
        "id": session.pk,
        "ticket_id": session.ticket_id,
        "state": services.state(session),
        "messages": services.transcript(session, after=after),
    }


@router.post("/chat/sessions/{session_id}/handoff", response={200: HandoffOut, **ERRORS}, auth=None)
def hand_off(request: HttpRequest, session_id: int) -> dict[str, Any]:
    """Talk to a person: queued through the support model with the whole transcript."""
    return services.hand_off(_visitor(request, session_id))


@router.post("/chat/sessions/{session_id}/typing", response={204: None, **ERRORS}, auth=None)
def visitor_typing(request: HttpRequest, session_id: int) -> Status:
    """The visitor is typing (agents' inbox stream hears it)."""
    session = _visitor(request, session_id)
    if session.ticket is not None:
        services.typing(session, ticket=session.ticket, who="visitor")
    return Status(204, None)


@router.post("/chat/sessions/{session_id}/email", response={200: EmailOut, **ERRORS}, auth=None)
def leave_email(request: HttpRequest, session_id: int, payload: EmailIn) -> dict[str, Any]:
    """Offline mode: leave an address (and the question); the answer comes by email."""
    session = _visitor(request, session_id)
    ticket = services.leave_email(session, payload.email, payload.body)
    return {
        "id": session.pk,
        "ticket_id": ticket.pk if ticket else None,
        "channel": ticket.channel if ticket else None,
    }


@router.get("/chat/sessions/{session_id}/events", auth=None, response={**ERRORS})
def visitor_events(
    request: HttpRequest, session_id: int, token: str = "", after: int = 0
) -> StreamingHttpResponse:
    """Server-sent events for the visitor: messages (replayed after Last-Event-ID), typing."""
    session = _visitor(request, session_id, token)
    return _stream(streams.visitor_events(session, last_id=_last_event_id(request, after)))


@router.get("/chat/inbox/events", response={**ERRORS})
def inbox_events(request: HttpRequest, after: int = 0) -> StreamingHttpResponse:
    """Server-sent events for agents: visitors' new messages and typing on chat tickets."""
    agent = require_agent(request)
    return _stream(streams.inbox_events(agent, last_id=_last_event_id(request, after)))


@router.post("/chat/tickets/{ticket_id}/typing", response={204: None, **ERRORS})
def agent_typing(request: HttpRequest, ticket_id: int) -> Status:
    """An agent is typing a reply on a chat ticket: the visitor sees "typing…"."""
    agent = require_agent(request)
    ticket = visible_tickets(agent).filter(pk=ticket_id, channel=Channel.CHAT).first()
    if ticket is None:
        raise not_found()
    services.typing(None, ticket=ticket, who="agent")
    return Status(204, None)
