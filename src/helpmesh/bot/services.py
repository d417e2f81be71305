"""The answer bot's write path: ask, feedback, hand-off, stats (the only writer of bot models).

    ask(question, user=..., channel=...) -> Reply    answer with a source, or hand off
    feedback(conversation, solved=...) -> Reply      "yes" credits the bot, "no" hands off
    hand_off(conversation, reason) -> Ticket         the whole exchange becomes the ticket

A hand-off goes through ``conversations.pipeline.receive`` like any contact, so triage,
routing (the ``self_service`` layer, then the staff layers) and SLAs run as usual, and the SLA
clock starts at the customer's first question (docs/bot.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count

from helpmesh.accounts.models import User
from helpmesh.bot import fields, judge
from helpmesh.bot.answers import shorten
from helpmesh.bot.models import BotChannel, BotConversation, BotTurn, Decision, Role, Status
from helpmesh.conversations import pipeline
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock
from helpmesh.customers import services as customers

PROMPT = "Did this solve it?"
NOT_SOLVED = "not_solved"
TICKET_CHANNEL: dict[str, str] = {"portal": "web"}  # the bot's channel -> the ticket's channel


class BotError(TicketError):
    """A bot request that cannot be done as asked; ``field`` names the input at fault."""


class NotFound(BotError):
    status = 404

    def __init__(self) -> None:
        super().__init__("no such conversation", code="not_found")


@dataclass
class Reply:
    """What the bot says back: an answer with its sources, or a hand-off and why."""

    conversation: BotConversation
    answer: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    reason: str = "answered"
    confidence: float | None = None
    ticket: Ticket | None = None
    needs: str = ""  # "email": an anonymous asker must leave an address to be handed off

    @property
    def handoff(self) -> bool:
        return self.answer is None

    @property
    def prompt(self) -> str:
        return "" if self.handoff else PROMPT


def ask(
    question: str,
    *,
    user: User | None,
    conversation: BotConversation | None = None,
    channel: str = BotChannel.WEB,
    email: str = "",
) -> Reply:
    """Answer ``question`` from the knowledge base, or hand the conversation to staff."""
    question = question.strip()
    if not question:
        raise BotError("ask a question", field="question", code="required")
    with audit.unit():
        conversation = conversation or start(user=user, channel=channel, email=email)
        if email and not conversation.email:
            conversation.email = email
            conversation.save(update_fields=["email"])
        add_turn(conversation, Role.CUSTOMER, question)
        if conversation.status == Status.HANDED_OFF:  # staff have it: pass the question on
            ticket = hand_off(conversation, conversation.handoff_reason)
            return Reply(conversation, reason=conversation.handoff_reason, ticket=ticket)
        verdict = judge.judge(
            question, viewer=_viewer(user), policy=judge.policy_for(_ticket_channel(channel))
        )
        return _respond(conversation, verdict)


def start(
    *,
    user: User | None,
    channel: str,
    email: str = "",
    ticket: Ticket | None = None,
    at: datetime | None = None,
) -> BotConversation:
    """A new conversation; an anonymous one gets a secret token to continue it with."""
    if channel not in BotChannel.values:
        raise BotError(f"unknown channel {channel!r}", field="channel")
    customer = None
    if user is not None and user.is_authenticated and user.is_customer:
        customer = customers.customer_for_user(user)
    signed_in = user is not None and user.is_authenticated
    return BotConversation.objects.create(
        customer=customer or (ticket.requester if ticket else None),
        user=user if signed_in else None,
        email=email,
        token="" if signed_in or ticket else secrets.token_urlsafe(24),
        channel=channel,
        started_at=at or clock.now(),
        ticket=ticket,
    )


def add_turn(conversation: BotConversation, role: str, text: str, **values: Any) -> BotTurn:
    return BotTurn.objects.create(
        conversation=conversation, role=role, text=text, at=values.pop("at", clock.now()), **values
    )


def _respond(conversation: BotConversation, verdict: judge.Verdict) -> Reply:
    """Keep the bot's turn and act on the verdict: answer, or hand off when it can."""
    if verdict.answered:
        add_turn(
            conversation,
            Role.BOT,
            verdict.answer,
            sources=verdict.sources,
            confidence=verdict.confidence,
            decision=Decision.ANSWERED,
            reason="answered",
            query_id=verdict.query_id,
        )
        _set_status(conversation, Status.ANSWERED)
        return Reply(conversation, verdict.answer, verdict.sources, "answered", verdict.confidence)
    add_turn(
        conversation,
        Role.BOT,
        handoff_text(verdict.reason),
        confidence=verdict.confidence,
        decision=Decision.HANDOFF,
        reason=verdict.reason,
        query_id=verdict.query_id,
    )
    reply = Reply(conversation, reason=verdict.reason, confidence=verdict.confidence)
    if reachable(conversation):
        reply.ticket = hand_off(conversation, verdict.reason)
    else:  # anonymous and no address yet: the hand-off waits for one (feedback with email)
        conversation.handoff_reason = verdict.reason
        conversation.save(update_fields=["handoff_reason"])
        reply.needs = "email"
    return reply


def feedback(conversation: BotConversation, *, solved: bool, email: str = "") -> Reply:
    """The customer's verdict on the last answer: yes credits the bot, no hands off."""
    with audit.unit():
        if email and not conversation.email:
            conversation.email = email
            conversation.save(update_fields=["email"])
        if conversation.status == Status.HANDED_OFF:  # staff have it; their answer counts now
            reason = conversation.handoff_reason
            return Reply(conversation, reason=reason, ticket=conversation.ticket)
        if solved:
            add_turn(conversation, Role.CUSTOMER, "Yes, this solved it.")
            _set_status(conversation, Status.RESOLVED, ended=True)
            _search_outcome(conversation, "deflected")
            if conversation.ticket_id and conversation.ticket:
                from helpmesh.bot import steps

                steps.resolve(conversation.ticket)
            return Reply(conversation, reason="resolved", ticket=conversation.ticket)
        if not reachable(conversation):
            raise BotError(
                "leave an email address so our team can answer you", field="email", code="required"
            )
        reason = conversation.handoff_reason or NOT_SOLVED
        add_turn(conversation, Role.CUSTOMER, "No, I still need help.")
        ticket = hand_off(conversation, reason)
        return Reply(conversation, reason=reason, ticket=ticket)


def hand_off(conversation: BotConversation, reason: str) -> Ticket:
    """Give the conversation to staff: open the customer's ticket with the whole exchange (or
    add what is new to the ticket it already has), so the customer never repeats anything.

    The ticket is received like any contact (triage, routing, SLA), dated at the first question
    so the SLA clock starts at the customer's first message.
    """
    sender = _sender(conversation)
    turns = list(conversation.turns.filter(pk__gt=conversation.transcribed_until))
    with audit.unit():
        if conversation.ticket_id is not None and conversation.ticket is not None:
            ticket = _continue(conversation, sender, turns, reason)
        else:
            ticket = _open(conversation, sender, turns, reason)
        conversation.ticket = ticket
        conversation.handoff_reason = reason
        conversation.transcribed_until = max([t.pk for t in turns], default=0)
        _set_status(conversation, Status.HANDED_OFF, ended=True)
        _search_outcome(conversation, "ticket", ticket)
        audit.record(
            "bot.handed_off",
            "ticket",
            ticket.pk,
            data={"conversation": conversation.pk, "reason": reason},
        )
    return ticket


def _open(
    conversation: BotConversation, sender: pipeline.Sender, turns: list[BotTurn], reason: str
) -> Ticket:
    fields.ensure_fields()
    first = next((t for t in turns if t.role == Role.CUSTOMER), turns[0])
    receipt = pipeline.receive(
        pipeline.Inbound(
            channel=_ticket_channel(conversation.channel),
            sender=sender,
            subject=shorten(first.text),
            body_text=transcript(turns),
            received_at=first.at,
            source_id=f"bot:{conversation.pk}",
            custom_fields={"self_service": "handed_off", "self_service_reason": reason},
        )
    )
    return receipt.ticket


def _continue(
    conversation: BotConversation, sender: pipeline.Sender, turns: list[BotTurn], reason: str
) -> Ticket:
    """Add the new turns to the ticket; one the bot held (answered) goes to staff now."""
    from helpmesh.bot import steps

    ticket = conversation.ticket
    assert ticket is not None  # the caller checked
    new = [t for t in turns if t.role == Role.CUSTOMER or t.decision]
    if new and any(t.role == Role.CUSTOMER for t in new):
        pipeline.receive(
            pipeline.Inbound(
                channel=ticket.channel,
                sender=sender,
                body_text=_follow_up(new),
                ticket_id=ticket.pk,
                source_id=f"bot:{conversation.pk}:{new[-1].pk}",
            )
        )
    ticket.refresh_from_db()
    if (ticket.custom_fields or {}).get("self_service") in ("answered", "resolved"):
        steps.release(ticket, reason)
    return ticket


def _follow_up(turns: list[BotTurn]) -> str:
    """What the customer added: their own words alone, or the exchange when the bot spoke."""
    if all(t.role == Role.CUSTOMER for t in turns):
        return "\n\n".join(t.text for t in turns)
    return transcript(turns)


def transcript(turns: list[BotTurn]) -> str:
    """The exchange as a person reads it: "Customer: ..." / "Bot: ... (source: title url)"."""
    lines = []
    for turn in turns:
        if turn.role == Role.CUSTOMER:
            lines.append(f"Customer: {turn.text}")
            continue
        cited = "; ".join(f"{s['title']} {s['url']}".strip() for s in turn.sources or [])
        lines.append(f"Bot: {turn.text}" + (f" (source: {cited})" if cited else ""))
    return "\n\n".join(lines)


def handoff_text(reason: str) -> str:
    why = {
        "asked_for_human": "you asked for a person",
        "never_automate": "this is a topic our team always handles in person",
        "out_of_scope": "this is outside what I can answer",
        "low_confidence": "I could not find a good answer",
        NOT_SOLVED: "my answer did not solve it",
    }.get(reason, reason.replace("_", " "))
    return f"I am passing this to our team ({why}); they can see everything we said."


def reachable(conversation: BotConversation) -> bool:
    """Whether a hand-off can reach the asker: signed in, a ticket already, or an address."""
    return bool(conversation.user_id or conversation.ticket_id or conversation.email)


def _sender(conversation: BotConversation) -> pipeline.Sender:
    user = conversation.user
    if user is not None:
        return pipeline.Sender("email", user.email, user.name, user=user)
    if conversation.email:
        return pipeline.Sender("email", conversation.email)
    ticket = conversation.ticket
    if ticket is not None:  # the live step's conversation: the requester continues
        return requester_sender(ticket)
    raise BotError(
        "leave an email address so our team can answer you", field="email", code="required"
    )


def requester_sender(ticket: Ticket) -> pipeline.Sender:
    """The ticket's requester as a sender the pipeline threads onto that ticket."""
    requester = ticket.requester
    if requester.user_id and requester.user:
        user = requester.user
        return pipeline.Sender("email", user.email, user.name, user=user)
    identity = requester.identities.order_by("pk").first()
    if identity is None:
        raise BotError("the requester has no address", field="email", code="required")
    return pipeline.Sender(identity.kind, identity.value, requester.name)


def _search_outcome(
    conversation: BotConversation, outcome: str, ticket: Ticket | None = None
) -> None:
    """Tell the search log how the bot's last search ended (the content-gap report reads it)."""
    from helpmesh.search import services as search

    query_id = (
        conversation.turns.filter(role=Role.BOT, query_id__isnull=False)
        .values_list("query_id", flat=True)
        .last()
    )
    if query_id is not None:
        search.record_outcome(query_id, outcome, viewer=conversation.user, ticket=ticket)


def _set_status(conversation: BotConversation, status: str, *, ended: bool = False) -> None:
    conversation.status = status
    conversation.ended_at = clock.now() if ended else None
    conversation.save()


def _viewer(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _ticket_channel(channel: str) -> str:
    return TICKET_CHANNEL.get(channel, channel)


def conversation_for(
    conversation_id: int, *, user: User | None, token: str = ""
) -> BotConversation:
    """The conversation if it belongs to the asker (their account, or the anonymous token);
    anything else answers exactly like a missing one."""
    conversation = BotConversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise NotFound()
    if user is not None and user.is_authenticated:
        if conversation.user_id == user.pk:
            return conversation
    elif conversation.user_id is None and conversation.token and token:  # noqa: SIM102
        if secrets.compare_digest(conversation.token, token):  # constant time: a secret
            return conversation
    raise NotFound()


def stats(since: datetime) -> dict[str, Any]:
    """Conversations started since ``since``: answered, resolved by the bot, handed off by
    reason, and the bot's decisions (a conversation may hold several)."""
    rows = BotConversation.objects.filter(started_at__gte=since)
    decisions = BotTurn.objects.filter(conversation__in=rows, role=Role.BOT)
    by_reason = dict(
        rows.filter(status=Status.HANDED_OFF)
        .values_list("handoff_reason")
        .annotate(n=Count("id"))
        .values_list("handoff_reason", "n")
    )
    total = rows.count()
    resolved = rows.filter(status=Status.RESOLVED).count()
    return {
        "since": since,
        "conversations": total,
        "answered": decisions.filter(decision=Decision.ANSWERED)
        .values("conversation")
        .distinct()
        .count(),
        "resolved": resolved,
        "handed_off": sum(by_reason.values()),
        "handed_off_by_reason": dict(sorted(by_reason.items())),
        "answers": decisions.filter(decision=Decision.ANSWERED).count(),
        "handoffs": decisions.filter(decision=Decision.HANDOFF).count(),
        "resolution_rate": round(resolved / total, 4) if total else None,
    }
