"""Triage in the ticket pipeline: the hook step, training from resolved tickets, retraining."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpmesh.cli import main
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import CustomField, Ticket
from helpmesh.triage import history, services, steps, tasks
from helpmesh.triage.training import TrainOptions, train

RECEIVED = ["helpmesh.triage.steps.classify", "helpmesh.routing.steps.route"]
PRINTER = ["The printer is on fire", "Printer jammed again", "Printer prints blank pages"]
BILLING = [
    "Invoice total is wrong",
    "Refund for a double charge",
    "Invoice sent to the wrong address",
]


@pytest.fixture
def configured(settings, model_dir: Path) -> Path:
    """Point the settings at the sample model and put triage first in "received"."""
    settings.HELPMESH_TRIAGE_MODEL = str(model_dir)
    settings.HELPMESH_TICKET_HOOKS = {**settings.HELPMESH_TICKET_HOOKS, "received": RECEIVED}
    return model_dir


def _resolved_history(personas) -> None:
    """Team A solved printer tickets, team B billing ones; one open ticket is not history."""
    for round_ in range(3):
        for subjects, team in ((PRINTER, personas.team_a), (BILLING, personas.team_b)):
            for subject in subjects:
                ticket = personas.ticket_for(
                    personas.alice_user, team=team, subject=subject, body=f"{subject} ({round_})"
                )
                done = tickets.TicketChanges(status="solved")
                tickets.update_ticket(ticket, done, actor=personas.root)
    personas.ticket_for(personas.bob_user, team=personas.team_a, subject="Printer smoke")


def test_a_new_ticket_gets_intent_and_confidence(configured: Path, personas) -> None:
    ticket = personas.ticket_for(
        personas.alice_user, subject="Card not arrived", body="My new card has not arrived yet"
    )
    ticket.refresh_from_db()
    assert ticket.custom_fields["intent"] == "card_arrival"
    assert 0 < ticket.custom_fields["intent_confidence"] <= 1
    assert CustomField.objects.filter(key="intent", team=None).exists()


def test_without_a_model_the_step_does_nothing(settings, tmp_path: Path, personas) -> None:
    settings.HELPMESH_TRIAGE_MODEL = str(tmp_path / "none")
    ticket = personas.ticket_for(personas.alice_user)
    steps.classify(ticket, created_ticket=True, message=ticket.messages.first())
    ticket.refresh_from_db()
    assert "intent" not in ticket.custom_fields


def test_follow_ups_are_not_classified_again(settings, model_dir: Path, personas) -> None:
    ticket = personas.ticket_for(personas.alice_user)  # triage is not in the hooks here
    settings.HELPMESH_TRIAGE_MODEL = str(model_dir)
    steps.classify(ticket, created_ticket=False)
    ticket.refresh_from_db()
    assert "intent" not in ticket.custom_fields


def test_a_retrained_model_is_picked_up(configured: Path, with_out_of_scope) -> None:
    before = services.configured_model()
    assert before is not None and "oos" not in before[0].meta.labels
    services.publish(configured, train(with_out_of_scope, TrainOptions(backend="lexical")))
    after = services.configured_model()
    assert after is not None and "oos" in after[0].meta.labels


def test_resolved_tickets_become_examples(personas) -> None:
    _resolved_history(personas)
    labelled, by_priority = history.resolved_examples()
    assert len(labelled.texts) == 18 and set(labelled.labels) == {"Team A", "Team B"}
    assert labelled.texts[0].startswith("The printer is on fire\n")
    assert len(by_priority.texts) == 18


def test_train_from_db_routes_new_tickets_by_team(settings, tmp_path: Path, personas) -> None:
    _resolved_history(personas)
    folder = tmp_path / "from-db"
    argv = ["triage", "train", "--from-db", "--model", str(folder), "--backend", "lexical"]
    assert main(argv) == 0
    settings.HELPMESH_TRIAGE_MODEL = str(folder)
    ticket = personas.ticket_for(personas.bob_user, subject="Printer jammed", body="again")
    steps.classify(ticket, created_ticket=True, message=ticket.messages.first())
    ticket.refresh_from_db()
    assert ticket.custom_fields["intent"] == "Team A"


def test_the_retrain_task_trains_then_skips_while_fresh(settings, tmp_path, personas) -> None:
    _resolved_history(personas)
    settings.HELPMESH_TRIAGE_MODEL = str(tmp_path / "scheduled")
    assert tasks.retrain.call().startswith("trained on 18 tickets")
    assert tasks.retrain.call() == "skipped: the model is recent"
    assert tasks.retrain.call(force=True).startswith("trained")


def test_the_retrain_task_skips_without_history(settings, tmp_path, db) -> None:
    settings.HELPMESH_TRIAGE_MODEL = str(tmp_path / "scheduled")
    assert tasks.retrain.call().startswith("skipped: not enough")
    assert not Ticket.objects.exists()
    assert TrainOptions().backend == "auto"
