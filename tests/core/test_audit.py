"""The audit chain notices an edited, an inserted and a deleted event."""

import pytest

from helpmesh.cli import main
from helpmesh.core import audit
from helpmesh.core.audit import ChainProblem, verify_chain
from helpmesh.core.models import AuditEvent


def problems() -> list[ChainProblem]:
    return [item for item in verify_chain() if isinstance(item, ChainProblem)]


@pytest.fixture
def chain(db):
    return [audit.record("test.event", "ticket", n, data={"n": n}) for n in range(1, 6)]


def test_an_untouched_chain_verifies(chain):
    assert problems() == []
    assert list(verify_chain()) == [1, 2, 3, 4, 5]


def test_an_edited_event_is_named(chain):
    AuditEvent.objects.filter(seq=3).update(data={"n": 999})
    [problem] = problems()
    assert problem.seq == 3
    assert "edited" in problem.reason


def test_an_inserted_event_is_detected(chain):
    # Make room after #2 and forge an event there that links correctly to #2.
    for event in AuditEvent.objects.filter(seq__gte=3).order_by("-seq"):
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    second = AuditEvent.objects.get(seq=2)
    forged = AuditEvent(
        seq=3,
        occurred_at=second.occurred_at,
        kind="forged",
        subject_type="ticket",
        subject_id=1,
        data={},
        prev_hash=second.hash,
    )
    forged.hash = audit._digest(forged)
    forged.save()
    [problem] = problems()
    assert problem.seq == 4  # the event after the forgery no longer links to its predecessor


def test_a_deleted_event_is_detected(chain):
    AuditEvent.objects.filter(seq=2).delete()
    [problem] = problems()
    assert problem.seq == 2
    assert "missing" in problem.reason


def test_a_deleted_tail_is_detected(chain):
    AuditEvent.objects.filter(seq=5).delete()
    [problem] = problems()
    assert "head" in problem.reason


def test_audit_verify_command_exit_codes(chain, capsys):
    assert main(["audit", "verify"]) == 0
    AuditEvent.objects.filter(seq=4).update(kind="tampered")
    assert main(["audit", "verify"]) == 1
    assert "#4" in capsys.readouterr().err


def test_events_roll_back_with_the_change_they_describe(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.event", "ticket", 1)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 0
    assert problems() == []


def test_a_unit_chains_its_events_together_at_commit(db):
    with audit.unit():
        audit.record("test.first", "ticket", 1)
        assert AuditEvent.objects.count() == 0  # buffered until the unit ends
        audit.record("test.second", "ticket", 1)
    assert list(AuditEvent.objects.values_list("seq", "kind")) == [
        (1, "test.first"),
        (2, "test.second"),
    ]
    assert problems() == []


def test_a_failed_inner_unit_drops_only_its_own_events(db):
    with audit.unit():
        audit.record("test.kept", "ticket", 1)
        with pytest.raises(RuntimeError), audit.unit():
            audit.record("test.dropped", "ticket", 1)
            raise RuntimeError("inner change failed")
    assert list(AuditEvent.objects.values_list("kind", flat=True)) == ["test.kept"]
    assert problems() == []


def test_what_is_stored_is_what_was_hashed(db, personas):
    """The append writes rows by hand on PostgreSQL: every column must round-trip exactly."""
    data = {"text": 'Grüße, "quoted" \\ back', "none": None, "nested": {"list": [1, 2.5, True]}}
    before = AuditEvent.objects.count()  # the personas' own events
    with audit.unit():
        for n in range(3):
            audit.record("test.many", "ticket", n, actor=personas.anna, data={**data, "n": n})
        audit.record("test.nobody", "customer", 7)
    stored = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.seq for e in stored] == [before + 1, before + 2, before + 3, before + 4]
    assert stored[0].data == {**data, "n": 0}
    assert stored[0].actor_id == personas.anna.pk
    assert stored[0].actor_label == personas.anna.email
    assert stored[3].actor_id is None
    assert problems() == []
    head = audit.AuditHead.objects.get(id=1)
    assert (head.seq, head.hash) == (before + 4, stored[3].hash)
