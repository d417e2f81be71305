"""The bot's steps in the ticket pipeline (settings.HELPMESH_TICKET_HOOKS), and what follows.

    received:       answer_first -> before routing: the bot tries the first message of a new
                    ticket on a channel the active model's self_service layer names
    message_added:  customer_wrote -> a customer writing back after the bot's answer hands off

The bot's reply is public (the customer reads it) but no staff response: it is written with
``staff_response=False``, so it stamps no first response; the ticket waits in ``pending`` with
``self_service=answered`` and routing's self_service layer holds it (no team, no assignee).
On hand-off the ticket is re-routed and its SLA clocks start again from the ticket's creation,
the customer's first message: the detour through the bot adds no time to the due dates.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import User
from helpmesh.bot import answers, fields, judge
from helpmesh.bot.models import BotChannel, BotConversation, Decision, Status
from helpmesh.bot.models import Role as Speaker
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Message, Ticket
from helpmesh.core import audit, clock
from helpmesh.routing import sla, snapshots
from helpmesh.routing.policies import layer_for

BOT_EMAIL = f"bot{snapshots.SYSTEM_DOMAIN}"
REASON = "self-service"


def bot_agent() -> User:
    """The author of the bot's replies: an agent in no team, so never routed to; made once."""
    return accounts.system_agent(BOT_EMAIL, "Answer bot")


def answer_first(
    ticket: Ticket, *, created_ticket: bool = False, message: Message | None = None, **context: Any
) -> None:
    """Let the bot answer a new ticket's first message when the support model says so."""
    if not created_ticket or message is None or not message.from_customer:
        return
    if (ticket.custom_fields or {}).get("self_service"):
        return  # it came from a bot hand-off: the bot has had its turn
    model = snapshots.active_model()
    if model is None:
        return
    ticket.refresh_from_db()
    layer = layer_for(model, "self_service", snapshots.facts_for(ticket), clock.now())
    if layer is None or ticket.channel not in (layer.settings.get("channels") or ()):
        return
    policy = judge.with_layer(judge.default_policy(), layer.settings)
    question = f"{ticket.subject}\n{message.body_text}".strip()
    verdict = judge.judge(question, viewer=_viewer(ticket), policy=policy)
    with audit.unit():
        _conversation(ticket, message, verdict)
        if verdict.answered:
            _reply(ticket, verdict)
        _verdict_fields(ticket, verdict)


def _conversation(ticket: Ticket, message: Message, verdict: judge.Verdict) -> BotConversation:
    from helpmesh.bot import services

    channel = ticket.channel if ticket.channel in BotChannel.values else BotChannel.API
    conversation = services.start(
        user=_viewer(ticket), channel=channel, ticket=ticket, at=message.created_at
    )
    services.add_turn(conversation, Speaker.CUSTOMER, message.body_text, at=message.created_at)
    turn = services.add_turn(
        conversation,
        Speaker.BOT,
        verdict.answer if verdict.answered else services.handoff_text(verdict.reason),
        sources=verdict.sources,
        confidence=verdict.confidence,
        decision=Decision.ANSWERED if verdict.answered else Decision.HANDOFF,
        reason=verdict.reason,
        query_id=verdict.query_id,
    )
    conversation.status = Status.ANSWERED if verdict.answered else Status.HANDED_OFF
    conversation.handoff_reason = "" if verdict.answered else verdict.reason
    conversation.transcribed_until = turn.pk  # the ticket holds the message and the reply
    conversation.save()
    return conversation


def _reply(ticket: Ticket, verdict: judge.Verdict) -> Message:
    source = verdict.sources[0]
    url = str(source["url"])
    if url.startswith("/"):
        url = f"{settings.BASE_URL.rstrip('/')}{url}"
    text = (
        f"{verdict.answer}\n\nSource: {source['title']} {url}\n\n"
        "Did this solve it? If not, just reply to this message and a person from our team "
        "will take it from here; you will not need to repeat anything."
    )
    return tickets.add_message(
        ticket,
        tickets.NewMessage(text),
        channel=ticket.channel,
        author_user=bot_agent(),
        staff_response=False,
    )


def _verdict_fields(ticket: Ticket, verdict: judge.Verdict) -> None:
    fields.ensure_fields(ticket.team_id)
    state = "answered" if verdict.answered else "handed_off"
    changes = tickets.TicketChanges(
        custom_fields={"self_service": state, "self_service_reason": verdict.reason},
        status="pending" if verdict.answered else None,
    )
    tickets.update_ticket(ticket, changes, actor=None, reason=REASON)


def customer_wrote(ticket: Ticket, *, message: Message, **context: Any) -> None:
    """A customer message after the bot's answer means it did not solve it: hand off."""
    if not message.from_customer or message.internal:
        return
    if (ticket.custom_fields or {}).get("self_service") != "answered":
        return
    asked = answers.asks_for_human(message.body_text)
    release(ticket, "asked_for_human" if asked else "not_solved")


def release(ticket: Ticket, reason: str) -> None:
    """Hand a ticket the bot held to staff: mark it, re-route it through the support model
    (the self_service layer now passes it on) and restart its SLA from the first message."""
    from helpmesh.routing import services as routing

    with audit.unit():
        changes = tickets.TicketChanges(
            custom_fields={"self_service": "handed_off", "self_service_reason": reason}
        )
        if ticket.status in ("pending", "new"):
            changes.status = "open"
        tickets.update_ticket(ticket, changes, actor=None, reason=REASON)
        for conversation in BotConversation.objects.filter(
            ticket=ticket, status__in=[Status.ANSWERED, Status.OPEN]
        ):
            conversation.status, conversation.handoff_reason = Status.HANDED_OFF, reason
            conversation.ended_at = clock.now()
            conversation.save()
        ticket.refresh_from_db()
        routing.route_ticket(ticket, kind="handoff")
        ticket.refresh_from_db()
        sla.attach(ticket)  # from the ticket's creation: the bot's detour adds no time


def resolve(ticket: Ticket) -> None:
    """The customer said the bot's answer solved it: solve the ticket, credited to the bot."""
    if (ticket.custom_fields or {}).get("self_service") != "answered":
        return
    with audit.unit():
        changes = tickets.TicketChanges(
            custom_fields={"self_service": "resolved", "self_service_reason": "answered"},
            status="solved",
        )
        tickets.update_ticket(ticket, changes, actor=None, reason=REASON)
        audit.record("bot.resolved", "ticket", ticket.pk, data={"by": "bot"})


def _viewer(ticket: Ticket) -> User | None:
    requester = ticket.requester
    return requester.user if requester.user_id else None
