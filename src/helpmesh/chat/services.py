"""Live chat's write path (the only writer of ``ChatSession``), docs/chat.md.

    start(name=, email=) -> (session, token)   a visitor opens the widget
    session_for(id, token) -> session          the token proves it is theirs (403 otherwise)
    post(session, body) -> Message             through the pipeline: one ticket, channel chat
    transcript(session) -> list[dict]          the ticket's public messages, bot and agents too
    hand_off(session) -> dict                  queued for a person through the support model
    leave_email(session, email, body)          offline mode: answered by email

The ticket is the conversation: every visitor message goes through
``conversations.pipeline.receive`` (source id ``chat:<session>:<client id>``, exactly once),
the answer bot's live step answers the first one when the support model's ``self_service``
layer serves the chat channel, and agents answer in the inbox like any ticket. Nothing the
visitor said lives anywhere but on the ticket, so a person taking over reads it all.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from helpmesh import config
from helpmesh.bot import answers, fields
from helpmesh.bot import steps as bot_steps
from helpmesh.bot.models import BotTurn, Decision
from helpmesh.bot.models import Role as Speaker
from helpmesh.chat import pubsub
from helpmesh.chat.models import ChatSession
from helpmesh.conversations import pipeline
from helpmesh.conversations.errors import NotAllowed, TicketError
from helpmesh.conversations.models import Channel, Message, Ticket
from helpmesh.core import audit, clock
from helpmesh.customers import services as customers
from helpmesh.customers.models import IdentityKind

VISITOR_PREFIX = "chat-visitor:"  # the anonymous visitor's identity: ("external", prefix + id)
MAX_BODY = 5000


class ChatError(TicketError):
    """A chat request that cannot be done as asked; ``field`` names the input at fault."""


class NotFound(ChatError):
    status = 404

    def __init__(self) -> None:
        super().__init__("no such chat session", code="not_found")


def setting(name: str, default: int) -> int:
    """A chat setting: Django's settings first (tests), then the environment."""
    from django.conf import settings

    value = getattr(settings, name, None)
    return int(value) if value is not None else config.env_int(name, default)


def gone_after() -> timedelta:
    """How long a visitor may be silent (no stream, no call) before replies go by email."""
    return timedelta(seconds=setting("HELPMESH_CHAT_GONE_SECONDS", 90))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(*, name: str = "", email: str = "") -> tuple[ChatSession, str]:
    """Open a chat for a visitor; returns the session and its secret visitor token (shown
    once, stored hashed). With an email the visitor is that customer; without, an anonymous
    visitor identity of their own."""
    name, email = name.strip(), email.strip()
    if email:
        try:
            kind, value = IdentityKind.EMAIL, customers.normalize_identity("email", email)
        except customers.CustomerError as exc:
            raise ChatError(str(exc), field="email") from exc
    else:
        kind, value = IdentityKind.EXTERNAL, VISITOR_PREFIX + uuid.uuid4().hex
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with audit.unit():
        customer, _ = customers.identify(kind, value, name=name)
        session = ChatSession.objects.create(
            customer=customer,
            identity_kind=kind,
            identity_value=value,
            name=name,
            email=value if kind == IdentityKind.EMAIL else "",
            token_hash=_digest(token),
            started_at=now,
            last_seen_at=now,
        )
        audit.record("chat.started", "chat_session", session.pk, data={"customer": customer.pk})
    return session, token


def session_for(session_id: int, token: str) -> ChatSession:
    """The session if ``token`` is its visitor token: a missing session is a 404, a wrong or
    missing token a 403 (the visitor knows the id; the token is the secret)."""
    session = ChatSession.objects.select_related("ticket").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    if not token or not secrets.compare_digest(session.token_hash, _digest(token)):
        raise NotAllowed("wrong or missing visitor token", field="X-Visitor-Token")
    return session


def touch(session: ChatSession) -> None:
    """The visitor is here (an API call, an open stream): replies reach them live."""
    now = clock.now()
    ChatSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    session.last_seen_at = now


def left(session: ChatSession) -> None:
    """The visitor's stream closed: until they call again, replies go by email."""
    now = clock.now()
    ChatSession.objects.filter(pk=session.pk).update(left_at=now)
    session.left_at = now


def present(session: ChatSession) -> bool:
    """Seen recently and not left since."""
    if session.last_seen_at < clock.now() - gone_after():
        return False
    return session.left_at is None or session.left_at < session.last_seen_at


def post(session: ChatSession, body: str, *, client_id: str = "") -> Message:
    """The visitor's message onto the session's one ticket, through the pipeline (the first
    one opens the ticket; the bot's live step may answer it). ``client_id`` makes a retried
    send land once."""
    body = body.strip()
    if not body:
        raise ChatError("write a message", field="body", code="required")
    if len(body) > MAX_BODY:
        raise ChatError(f"a message has at most {MAX_BODY} characters", field="body")
    source = f"chat:{session.pk}:{client_id or uuid.uuid4().hex}"
    with audit.unit():
        touch(session)
        receipt = pipeline.receive(
            pipeline.Inbound(
                channel=Channel.CHAT,
                sender=sender(session),
                subject=answers.shorten(body) if session.ticket_id is None else "",
                body_text=body,
                ticket_id=session.ticket_id,
                source_id=source,
                custom_fields=_first_fields(session),
            )
        )
        if session.ticket_id is None:
            session.ticket = receipt.ticket
            session.save(update_fields=["ticket"])
        if receipt.created_ticket:  # no message_added hook for a ticket's first message
            announce(receipt.ticket, receipt.message)
    return receipt.message


def _first_fields(session: ChatSession) -> dict[str, Any]:
    """A visitor who asked for a person before writing skips the bot: the ticket arrives as
    the bot's hand-off would, and routing queues it for staff at once."""
    if session.ticket_id is not None or not session.wants_person:
        return {}
    fields.ensure_fields()
    return {"self_service": "handed_off", "self_service_reason": "asked_for_human"}


def sender(session: ChatSession) -> pipeline.Sender:
    return pipeline.Sender(session.identity_kind, session.identity_value, session.name)


def announce(ticket: Ticket, message: Message) -> None:
    """Ring the doorbells after the commit: the visitor's stream(s) of this ticket, and the
    agents' inbox stream for what a visitor wrote."""
    if message.internal:
        return
    session_ids = list(ChatSession.objects.filter(ticket=ticket).values_list("pk", flat=True))
    event = {"type": "message", "id": message.pk, "ticket_id": ticket.pk}

    def ring() -> None:
        for session_id in session_ids:
            pubsub.publish(f"session:{session_id}", event)
        if message.from_customer:
            pubsub.publish("inbox", {**event, "sessions": session_ids})

    transaction.on_commit(ring)


def state(session: ChatSession) -> str:
    """Who has the chat now: ``new`` (nothing written yet), ``bot`` (the bot answered and waits
    for the visitor's verdict) or ``staff`` (queued for, or with, a person)."""
    if session.ticket is None:
        return "new"
    held = (session.ticket.custom_fields or {}).get("self_service") == "answered"
    return "bot" if held else "staff"


def typing(session: ChatSession | None, *, ticket: Ticket, who: str) -> None:
    """Someone is typing: the visitor (agents' inbox hears it) or an agent (the visitor does).
    Ephemeral: no row, no replay."""
    event = {"type": "typing", "who": who, "ticket_id": ticket.pk}
    if who == "visitor":
        pubsub.publish("inbox", event)
        return
    for session_id in ChatSession.objects.filter(ticket=ticket).values_list("pk", flat=True):
        pubsub.publish(f"session:{session_id}", event)


def transcript(session: ChatSession, *, after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
    """The conversation as the visitor sees it: the ticket's public messages (their own, the
    bot's with its sources, the agents'), oldest first, those after message id ``after``."""
    if session.ticket_id is None:
        return []
    rows = list(
        Message.objects.filter(ticket_id=session.ticket_id, internal=False, pk__gt=after)
        .select_related("author_user", "author_customer")
        .order_by("pk")[:limit]
    )
    sources = _bot_sources(session.ticket_id) if any(_by_bot(m) for m in rows) else {}
    return [_entry(message, sources) for message in rows]


def _by_bot(message: Message) -> bool:
    user = message.author_user
    return (
        message.author_customer_id is None
        and user is not None
        and user.email == bot_steps.BOT_EMAIL
    )


def _bot_sources(ticket_id: int) -> dict[int, list[dict[str, Any]]]:
    """The sources of the bot's answers on this ticket, by the bot message they became: the
    bot's turns and its messages are written in the same order."""
    answered = list(
        BotTurn.objects.filter(
            conversation__ticket_id=ticket_id, role=Speaker.BOT, decision=Decision.ANSWERED
        )
        .order_by("pk")
        .values_list("sources", flat=True)
    )
    bot_messages = (
        Message.objects.filter(
            ticket_id=ticket_id, author_user__email=bot_steps.BOT_EMAIL, internal=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {pk: list(src or []) for pk, src in zip(bot_messages, answered, strict=False)}


def _entry(message: Message, sources: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    if message.from_customer:
        author, name = "visitor", (message.author_customer.name if message.author_customer else "")
    elif _by_bot(message):
        author, name = "bot", "Answer bot"
    else:
        author = "agent"
        name = message.author_user.name if message.author_user else ""
    return {
        "id": message.pk,
        "author": author,
        "name": name,
        "body": message.body_text,
        "channel": message.channel,
        "sources": sources.get(message.pk, []),
        "at": message.created_at,
    }


def agents_online(at: datetime | None = None) -> bool:
    """Whether any agent can take a chat now: online, inside their schedule, not on leave,
    under their chat capacity (the same test assignment uses)."""
    from helpmesh.routing import assignment, snapshots

    now = at or clock.now()
    world = snapshots.load_world(now)
    available, _ = assignment.split_available(world.agents.values(), Channel.CHAT, now)
    return bool(available)


def hand_off(session: ChatSession) -> dict[str, Any]:
    """Queue the chat for a person through the support model. The transcript is already the
    ticket, so the agent reads everything; before any message the wish is kept and the first
    message goes straight to staff."""
    with audit.unit():
        touch(session)
        queued = False
        ticket = session.ticket
        if ticket is None:
            if not session.wants_person:
                session.wants_person = True
                session.save(update_fields=["wants_person"])
        elif (ticket.custom_fields or {}).get("self_service") == "answered":
            bot_steps.release(ticket, "asked_for_human")  # re-routed, SLA from the first message
            queued = True
        else:
            queued = True  # the bot never held it (handed off, or no bot on chat): staff have it
        audit.record("chat.handoff", "chat_session", session.pk, data={"ticket": session.ticket_id})
    if ticket is not None:
        ticket.refresh_from_db()
    return {
        "id": session.pk,
        "ticket_id": session.ticket_id,
        "queued": queued,
        "agents_online": agents_online(),
        "assignee": ticket.assignee.name if ticket is not None and ticket.assignee else None,
    }


def leave_email(session: ChatSession, email: str, body: str = "") -> Ticket | None:
    """Offline mode: the visitor leaves an address, and the answer goes there. With no chat
    ticket yet, ``body`` opens an email ticket; with one, agents' replies to it go by email
    once the visitor has gone (delivery.py)."""
    try:
        address = customers.normalize_identity("email", email)
    except customers.CustomerError as exc:
        raise ChatError(str(exc), field="email") from exc
    body = body.strip()
    if session.ticket_id is None and not body:
        raise ChatError("write what you need", field="body", code="required")
    with audit.unit():
        _link_email(session, address)
        if session.ticket_id is None:
            receipt = pipeline.receive(
                pipeline.Inbound(
                    channel=Channel.EMAIL,
                    sender=pipeline.Sender(IdentityKind.EMAIL, address, session.name),
                    subject=answers.shorten(body),
                    body_text=body,
                    source_id=f"chat:{session.pk}:offline",
                )
            )
            session.ticket = receipt.ticket
            session.save(update_fields=["ticket"])
        elif body:
            post(session, body)
        audit.record("chat.email_left", "chat_session", session.pk, data={"email": address})
    return session.ticket


def _link_email(session: ChatSession, address: str) -> None:
    """Remember the address on the session and the visitor's profile. When the address is
    already someone's, that customer joins the ticket (mail reaches them; their email reply
    threads onto it) and an anonymous session with no ticket becomes theirs."""
    ChatSession.objects.filter(pk=session.pk).update(email=address)
    session.email = address
    if session.customer.identities.filter(kind=IdentityKind.EMAIL, value=address).exists():
        return
    owner = customers.find(IdentityKind.EMAIL, address)
    if owner is None:
        customers.add_identity(session.customer, IdentityKind.EMAIL, address)
        return
    if session.ticket is None:
        session.customer = owner
        session.identity_kind, session.identity_value = IdentityKind.EMAIL, address
        session.save(update_fields=["customer", "identity_kind", "identity_value"])
    elif not session.ticket.participants.filter(pk=owner.pk).exists():
        session.ticket.participants.add(owner)
        audit.record(
            "ticket.participants_added", "ticket", session.ticket.pk, data={"customers": [owner.pk]}
        )
