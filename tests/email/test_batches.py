"""Bulk intake: batches of messages per transaction, each message still safe on its own."""

from __future__ import annotations

import argparse
import mailbox as mailboxes

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from emails import compose

from helpmesh.channels.email import cli_ops, services
from helpmesh.conversations import pipeline
from helpmesh.conversations.models import InboundContact, Ticket
from helpmesh.core import audit, config_cache
from helpmesh.core.models import AuditEvent


def _raws(count: int, prefix: str = "b") -> list[bytes]:
    return [
        compose(f"c{i}@example.com", subject=f"n{i}", message_id=f"<{prefix}{i}@example.com>")
        for i in range(count)
    ]


def _failing_for(monkeypatch, source_id: str) -> None:
    real = pipeline.receive

    def receive(inbound, **kwargs):
        if inbound.source_id == source_id:
            raise RuntimeError("disk on fire")
        return real(inbound, **kwargs)

    monkeypatch.setattr(pipeline, "receive", receive)


def test_a_batch_is_one_commit_and_one_chain_append(mailbox):
    with CaptureQueriesContext(connection) as queries:
        [batch] = services.ingest_batches(enumerate(_raws(5)), mailbox=mailbox, size=10)
    assert [r.outcome for _, r in batch] == ["ticket"] * 5
    # Each chain append starts by claiming sequence numbers on the head row, once.
    claims = [q for q in queries.captured_queries if "SET seq = seq +" in q["sql"]]
    assert len(claims) == 1
    assert Ticket.objects.count() == 5
    assert all(isinstance(seq, int) for seq in audit.verify_chain())


def test_batches_are_handed_back_in_size(mailbox):
    batches = list(services.ingest_batches(enumerate(_raws(7)), mailbox=mailbox, size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [key for batch in batches for key, _ in batch] == list(range(7))


def test_a_failing_message_is_quarantined_and_the_rest_of_the_batch_kept(mailbox, monkeypatch):
    _failing_for(monkeypatch, "<b2@example.com>")
    [batch] = services.ingest_batches(enumerate(_raws(5)), mailbox=mailbox)
    outcomes = [r.outcome for _, r in batch]
    assert outcomes == ["ticket", "ticket", "quarantined", "ticket", "ticket"]
    held = services.quarantined().get()
    assert held.source_id == "<b2@example.com>" and "disk on fire" in held.error
    assert bytes(held.raw) == _raws(5)[2]
    assert Ticket.objects.count() == 4
    # the failed message's own audit events went with it; the chain is intact
    assert all(isinstance(seq, int) for seq in audit.verify_chain())
    assert AuditEvent.objects.filter(kind="ticket.created").count() == 4


def test_a_duplicate_inside_one_batch_is_stored_once(mailbox):
    raw = compose(message_id="<twice@example.com>")
    [batch] = services.ingest_batches(enumerate([raw, raw]), mailbox=mailbox)
    assert [r.outcome for _, r in batch] == ["ticket", "duplicate"]
    assert InboundContact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_handed_back_only_after_its_commit(personas):
    from helpmesh.channels.email import mailboxes as boxes

    box = boxes.create_mailbox({"name": "support", "address": "support@helpmesh.test"})
    for batch in services.ingest_batches(enumerate(_raws(4)), mailbox=box, size=2):
        assert not connection.in_atomic_block  # committed: the caller may flag the messages
        assert InboundContact.objects.filter(source_id__in=[r.source_id for _, r in batch]).count()
    assert Ticket.objects.count() == 4


def test_a_new_ticket_from_mail_takes_few_statements(mailbox, settings):
    settings.HELPMESH_CONFIG_CACHE_SECONDS = 60  # as in production: configuration is cached
    config_cache.forget()
    services.ingest(compose("warm@example.com"), mailbox=mailbox)
    with CaptureQueriesContext(connection) as queries:
        services.ingest(
            compose("new@example.com", message_id="<fresh@example.com>"), mailbox=mailbox
        )
    config_cache.forget()
    # was 26 (two duplicate checks, an own-mail check, the mailbox and agent addresses,
    # savepoints around the Message-ID record, a look-up before storing the raw form); here
    # the test's transaction turns BEGIN/COMMIT into a savepoint pair; 19 without a team
    sql = [q["sql"][:70] for q in queries.captured_queries]
    assert len(sql) <= 20, "\n".join(sql)


def _maildir(tmp_path, raws: list[bytes]):
    box = mailboxes.Maildir(str(tmp_path / "Maildir"), create=True)
    for raw in raws:
        box.add(raw)
    return tmp_path / "Maildir"


def _ingest_cli(*sources: str) -> int:
    return cli_ops.cmd_ingest(argparse.Namespace(sources=list(sources), mailbox=None, json=True))


def test_mail_ingest_of_a_maildir_flags_each_message_seen_after_import(
    mailbox, tmp_path, capsys, monkeypatch
):
    path = _maildir(tmp_path, _raws(3))
    _failing_for(monkeypatch, "<b1@example.com>")
    assert _ingest_cli(str(path)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(line.count('"quarantined"') for line in lines) == [0, 0, 1]
    assert list((path / "new").iterdir()) == []  # all three are stored (one quarantined)
    assert sorted(p.name.rsplit(":2,", 1)[1] for p in (path / "cur").iterdir()) == ["S"] * 3
    assert Ticket.objects.count() == 2
    # a second run reads the flagged messages again: stored ones are not stored twice, the
    # quarantined one is tried again (and now goes through)
    monkeypatch.undo()
    assert _ingest_cli(str(path)) == 0
    assert Ticket.objects.count() == 3 and InboundContact.objects.count() == 3


def test_mail_ingest_of_an_mbox_in_batches(mailbox, tmp_path, capsys):
    box = mailboxes.mbox(str(tmp_path / "archive.mbox"), create=True)
    for raw in _raws(120, prefix="m"):
        box.add(raw)
    box.flush()
    assert _ingest_cli(str(tmp_path / "archive.mbox")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 120
    assert Ticket.objects.count() == 120
