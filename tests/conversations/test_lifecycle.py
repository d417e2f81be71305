"""Status moves, first response, reopen: what a support desk expects from a message."""

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.conversations import services
from helpmesh.conversations.errors import NotAllowed, TicketError
from helpmesh.conversations.models import Status
from helpmesh.core import audit, clock

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def reply(ticket, user, text="On it.", **kwargs):
    return services.add_message(
        ticket, services.NewMessage(text), channel="web", author_user=user, **kwargs
    )


def status(ticket, user, value):
    return services.update_ticket(ticket, services.TicketChanges(status=value), actor=user)


def test_an_agents_first_reply_stamps_first_response_and_opens(personas):
    with clock.frozen(T0):
        ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    with clock.frozen(T0 + timedelta(minutes=42)):
        reply(ticket, personas.anna)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at == T0 + timedelta(minutes=42)


def test_an_internal_note_is_not_a_first_response(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    reply(ticket, personas.anna, internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None and ticket.status == Status.NEW


def test_a_customer_reply_reopens_a_solved_ticket(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    reply(ticket, personas.anna)
    status(ticket, personas.anna, Status.SOLVED)
    assert ticket.solved_at is not None
    services.add_message(
        ticket, services.NewMessage("It broke again"), channel="web", author_customer=personas.alice
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.reopen_count == 1 and ticket.solved_at is None
    kinds = [e.kind for e in audit.events_for("ticket", ticket.pk)]
    assert "ticket.reopened" in kinds


def test_a_customer_reply_wakes_a_pending_ticket(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    status(ticket, personas.anna, Status.PENDING)
    services.add_message(
        ticket,
        services.NewMessage("Here is the info"),
        channel="web",
        author_customer=personas.alice,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


@pytest.mark.parametrize(
    ("start", "target"), [(Status.NEW, Status.CLOSED), (Status.OPEN, Status.NEW)]
)
def test_impossible_moves_are_refused_naming_the_field(personas, start, target):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    if start != Status.NEW:
        status(ticket, personas.anna, start)
    with pytest.raises(TicketError) as error:
        status(ticket, personas.anna, target)
    assert error.value.field == "status" and error.value.code == "bad_transition"


def test_every_transition_is_stamped_and_audited(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    with clock.frozen(T0):
        status(ticket, personas.anna, Status.SOLVED)
    with clock.frozen(T0 + timedelta(days=3)):
        status(ticket, personas.anna, Status.CLOSED)
    assert (
        ticket.closed_at == T0 + timedelta(days=3) and ticket.status_changed_at == ticket.closed_at
    )
    changes = [
        (e.data["from"], e.data["to"])
        for e in audit.events_for("ticket", ticket.pk)
        if e.kind == "ticket.status_changed"
    ]
    assert changes == [("new", "solved"), ("solved", "closed")]


def test_a_light_agent_writes_notes_but_not_replies(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    reply(ticket, personas.lisa, "Looks like the March bug", internal=True)
    with pytest.raises(NotAllowed):
        reply(ticket, personas.lisa, "Hello customer")
    with pytest.raises(NotAllowed):
        status(ticket, personas.lisa, Status.SOLVED)


def test_assignment_respects_the_team(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    with pytest.raises(TicketError) as error:
        services.update_ticket(
            ticket, services.TicketChanges(assignee=personas.ben), actor=personas.root
        )
    assert error.value.field == "assignee_id"
    services.update_ticket(
        ticket,
        services.TicketChanges(team=personas.team_b, assignee=personas.ben),
        actor=personas.root,
    )
    assert (ticket.team, ticket.assignee) == (personas.team_b, personas.ben)


def test_tags_and_custom_fields(personas):
    from helpmesh.conversations.models import CustomField

    CustomField.objects.create(team=personas.team_a, key="order", label="Order number", kind="text")
    CustomField.objects.create(
        team=None, key="plan", label="Plan", kind="choice", choices=["free", "pro"]
    )
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    services.update_ticket(
        ticket,
        services.TicketChanges(
            add_tags=["Refund ", "VIP"], custom_fields={"order": "A-1", "plan": "pro"}
        ),
        actor=personas.anna,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    assert ticket.custom_fields == {"order": "A-1", "plan": "pro"}
    with pytest.raises(TicketError) as error:
        services.update_ticket(
            ticket, services.TicketChanges(custom_fields={"plan": "gold"}), actor=personas.anna
        )
    assert error.value.field == "custom_fields.plan"
