"""The live step: on a channel the self_service layer names, the bot answers a new ticket's
first message before routing; staff wait for the customer's verdict; a reply or a "no" hands
it off, a "yes" solves it. The SLA keeps counting from the customer's first message."""

from __future__ import annotations

from datetime import timedelta

from helpmesh.bot import steps
from helpmesh.bot.models import BotConversation
from helpmesh.conversations import pipeline
from helpmesh.conversations.models import Status
from helpmesh.core import clock
from helpmesh.routing import services as routing
from helpmesh.routing import sla, snapshots


def _ticket(subject, body, *, channel="web", email="carol@example.com"):
    return pipeline.receive(
        pipeline.Inbound(
            channel=channel,
            sender=pipeline.Sender("email", email, "Carol"),
            subject=subject,
            body_text=body,
        )
    ).ticket


def _reply(ticket, text, email="carol@example.com"):
    pipeline.receive(
        pipeline.Inbound(
            channel=ticket.channel,
            sender=pipeline.Sender("email", email),
            body_text=text,
            ticket_id=ticket.pk,
        )
    )
    ticket.refresh_from_db()


def test_the_bot_answers_first_and_staff_wait(bot_desk, monday_9am):
    ticket = _ticket("Password", "How do I reset my password?")

    assert ticket.status == Status.PENDING
    assert ticket.team is None and ticket.assignee is None
    assert ticket.custom_fields["self_service"] == "answered"
    assert ticket.first_response_at is None  # the bot's reply is no staff response
    bot_reply = ticket.messages.get(author_user__isnull=False)
    assert bot_reply.author_user.email == steps.BOT_EMAIL and not bot_reply.internal
    assert bot_reply.body_text.startswith("To reset your password")
    assert "Source: Reset your password http" in bot_reply.body_text
    assert "Did this solve it?" in bot_reply.body_text
    (decision,) = routing.trace_for(ticket)
    assert decision["trace"][1] == (
        "self-service: the bot answered on web; staff wait for the customer's verdict"
    )
    assert len(decision["trace"]) == 2  # no later layer, no assignment
    assert steps.bot_agent().pk not in snapshots.roster().agents


def test_a_customer_reply_hands_off_and_the_sla_keeps_its_due_time(bot_desk, monday_9am):
    ticket = _ticket("Password", "How do I reset my password?")
    clock.advance(timedelta(minutes=30))

    _reply(ticket, "That link never arrives.")

    assert ticket.status == Status.OPEN and ticket.assignee == bot_desk
    assert ticket.custom_fields["self_service"] == "handed_off"
    assert ticket.custom_fields["self_service_reason"] == "not_solved"
    handoff = routing.trace_for(ticket)[-1]
    assert handoff["kind"] == "handoff"
    assert handoff["trace"][1] == (
        "self-service: the bot handed off (not_solved) -> passing to the next layer"
    )
    assert handoff["trace"][2].startswith("department:")
    due = sla.due_times_for([ticket])[ticket.pk]
    assert due["first_response_due"] == ticket.created_at + timedelta(minutes=60)
    assert not due["paused"]
    talk = BotConversation.objects.get(ticket=ticket)
    assert (talk.status, talk.handoff_reason) == ("handed_off", "not_solved")


def test_no_from_the_portal_hands_off_and_yes_solves(api, personas, bot_desk, monday_9am):
    alice = api(personas.alice_user)
    no_ticket = personas.ticket_for(personas.alice_user, subject="Password", body="Reset password?")
    yes_ticket = personas.ticket_for(personas.alice_user, subject="Invoices", body="Get invoices?")
    assert no_ticket.status == yes_ticket.status == Status.PENDING

    said_no = alice.post(f"/bot/tickets/{no_ticket.pk}/feedback", {"solved": False}).json()
    said_yes = alice.post(f"/bot/tickets/{yes_ticket.pk}/feedback", {"solved": True}).json()

    no_ticket.refresh_from_db()
    yes_ticket.refresh_from_db()
    assert said_no["ticket_id"] == no_ticket.pk and no_ticket.assignee == bot_desk
    assert no_ticket.messages.last().body_text == "No, I still need help."
    assert yes_ticket.status == Status.SOLVED and yes_ticket.assignee is None
    assert yes_ticket.custom_fields["self_service"] == "resolved"
    assert said_yes["reason"] == "resolved"
    assert (
        api(personas.bob_user)
        .post(f"/bot/tickets/{no_ticket.pk}/feedback", {"solved": True})
        .status_code
        == 404
    )


def test_without_a_good_answer_the_ticket_goes_straight_to_staff(bot_desk, monday_9am):
    ticket = _ticket("Printer", "It smokes since this morning")

    assert ticket.assignee == bot_desk and ticket.messages.count() == 1
    assert ticket.custom_fields["self_service_reason"] == "low_confidence"
    (decision,) = routing.trace_for(ticket)
    assert "the bot handed off (low_confidence)" in decision["trace"][1]


def test_other_channels_and_bot_hand_offs_are_left_alone(bot_desk, monday_9am):
    email = _ticket("Password", "How do I reset my password?", channel="email")
    assert email.assignee == bot_desk and email.messages.count() == 1
    assert "not a bot channel" in routing.trace_for(email)[0]["trace"][1]
    assert not BotConversation.objects.filter(ticket=email).exists()
