"""Configured steps run in order after each kind of change, inside its transaction."""

import pytest

from helpmesh.conversations import hooks, services

calls: list[tuple[str, int, str]] = []


def record_received(ticket, **context):
    calls.append(("received", ticket.pk, str(context["created_ticket"])))


def record_message(ticket, **context):
    calls.append(("message_added", ticket.pk, context["message"].body_text))


def record_update(ticket, **context):
    calls.append(("updated", ticket.pk, ticket.status))


def refuse(ticket, **context):
    raise RuntimeError("step failed")


@pytest.fixture
def configured(settings):
    calls.clear()
    hooks._steps.cache_clear()
    settings.HELPMESH_TICKET_HOOKS = {
        "received": [f"{__name__}.record_received"],
        "message_added": [f"{__name__}.record_message"],
        "updated": [f"{__name__}.record_update"],
    }
    return settings


def test_steps_run_after_each_change(personas, configured):
    ticket = personas.ticket_for(personas.alice_user)
    services.add_message(
        ticket, services.NewMessage("hi"), channel="web", author_user=personas.anna
    )
    services.update_ticket(ticket, services.TicketChanges(status="solved"), actor=personas.anna)
    assert calls == [
        ("received", ticket.pk, "True"),
        ("message_added", ticket.pk, "hi"),
        ("updated", ticket.pk, "solved"),
    ]


def test_a_failing_step_rolls_the_change_back(personas, configured):
    ticket = personas.ticket_for(personas.alice_user)
    configured.HELPMESH_TICKET_HOOKS = {"updated": [f"{__name__}.refuse"]}
    with pytest.raises(RuntimeError):
        services.update_ticket(ticket, services.TicketChanges(status="solved"), actor=personas.anna)
    ticket.refresh_from_db()
    assert ticket.status == "new"
