"""Server-sent events for chat (docs/adr/0031-chat-real-time.md).

The visitor's stream and the agents' inbox stream subscribe to the pub/sub first, then read
the database: whatever was written before the subscription is replayed from the rows (the
``Last-Event-ID`` the browser sends on reconnect is the last message id it saw), whatever
comes after rings the subscription. Events are only doorbells; the rows are the truth.

    id: 345
    event: message
    data: {"id": 345, "author": "agent", "name": "Gus", "body": "...", ...}

    event: typing
    data: {"who": "agent"}

A comment line every ``HEARTBEAT`` seconds keeps proxies from closing an idle stream (and
tells a WSGI server when the visitor has gone); a stream ends after ``LIFETIME`` seconds and
the browser reconnects with ``Last-Event-ID``, so no worker thread is held for ever.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from helpmesh.accounts.models import User
from helpmesh.chat import pubsub, services
from helpmesh.chat.models import ChatSession
from helpmesh.conversations.models import Channel, Message
from helpmesh.conversations.permissions import visible_tickets

HEARTBEAT = 20.0
TOUCH_EVERY = 45.0  # presence needs a write now and then, not one per heartbeat


def _release_connection() -> None:
    """Between events an idle stream holds no PostgreSQL connection (a thousand open chats
    would be a thousand connections); SQLite's are cheap, in-process files: kept."""
    if connection.vendor != "sqlite" and not connection.in_atomic_block:
        connection.close()


def lifetime() -> float:
    return float(services.setting("HELPMESH_CHAT_STREAM_SECONDS", 600))


def frame(event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    """One SSE frame."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, cls=DjangoJSONEncoder)}\n\n"


def visitor_events(
    session: ChatSession,
    *,
    last_id: int = 0,
    heartbeat: float = HEARTBEAT,
    until: float | None = None,
) -> Iterator[str]:
    """The visitor's stream: missed messages first, then each new one as it is written,
    typing in between. Marks the visitor present while open and gone when closed."""
    subscription = pubsub.subscribe(f"session:{session.pk}")
    deadline = time.monotonic() + (until if until is not None else lifetime())
    try:
        services.touch(session)
        touched = time.monotonic()
        yield "retry: 2000\n\n"
        last_id = yield from _replay(session, last_id)
        while time.monotonic() < deadline:
            _release_connection()
            event = subscription.get(timeout=min(heartbeat, max(deadline - time.monotonic(), 0)))
            if event is None:
                if time.monotonic() - touched > TOUCH_EVERY:
                    services.touch(session)  # still connected: the heartbeats get through
                    touched = time.monotonic()
                yield ": keepalive\n\n"
            elif event.get("type") == "message":
                last_id = yield from _replay(session, last_id)
            else:
                yield frame(str(event.get("type")), {"who": event.get("who", "")})
    finally:
        services.left(session)
        _release_connection()  # a stream's thread may end without Django closing it
        subscription.close()  # last: whoever waits for the listeners to go sees the mark


def _replay(session: ChatSession, last_id: int) -> Generator[str, None, int]:
    """Every public message after ``last_id``, as frames; returns the new last id."""
    if session.ticket_id is None:
        session.refresh_from_db(fields=["ticket"])
    for entry in services.transcript(session, after=last_id):
        last_id = entry["id"]
        yield frame("message", entry, last_id)
    return last_id


def inbox_events(
    agent: User, *, last_id: int = 0, heartbeat: float = HEARTBEAT, until: float | None = None
) -> Iterator[str]:
    """The agents' stream: what visitors write on chat tickets the agent may see (a ticket
    id to refresh), and visitors typing. Replays visitor messages after ``last_id``."""
    subscription = pubsub.subscribe("inbox")
    deadline = time.monotonic() + (until if until is not None else lifetime())
    try:
        yield "retry: 2000\n\n"
        if not last_id:  # a fresh inbox starts now; a reconnect replays what it missed
            last_id = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        last_id = yield from _inbox_replay(agent, last_id)
        while time.monotonic() < deadline:
            _release_connection()
            event = subscription.get(timeout=min(heartbeat, max(deadline - time.monotonic(), 0)))
            if event is None:
                yield ": keepalive\n\n"
                continue
            if not visible_tickets(agent).filter(pk=int(event.get("ticket_id") or 0)).exists():
                continue
            if event.get("type") == "message":
                last_id = yield from _inbox_replay(agent, last_id)
            else:
                yield frame("typing", {"ticket_id": event["ticket_id"], "who": event.get("who")})
    finally:
        subscription.close()


def _inbox_replay(agent: User, last_id: int) -> Generator[str, None, int]:
    rows = (
        Message.objects.filter(
            ticket__in=visible_tickets(agent),
            ticket__channel=Channel.CHAT,
            author_customer__isnull=False,
            internal=False,
            pk__gt=last_id,
        )
        .order_by("pk")
        .values("pk", "ticket_id", "body_text", "created_at")[:200]
    )
    for row in rows:
        last_id = row["pk"]
        data = {"ticket_id": row["ticket_id"], "message_id": row["pk"], "body": row["body_text"]}
        yield frame("message", {**data, "at": row["created_at"]}, last_id)
    return last_id
