"""Append to and verify the tamper-evident audit chain.

Every service that changes a ticket, a customer or an account runs in ``unit()`` (an atomic block)
and calls ``record``, so the event commits or rolls back with the change it describes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from helpmesh.core import clock
from helpmesh.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "prev": event.prev_hash,
        "at": event.occurred_at.isoformat(),
        "kind": event.kind,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "subject": [event.subject_type, event.subject_id],
        "data": event.data,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    # Store exactly what we hash: a JSON round trip turns datetimes and decimals into strings.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


_local = threading.local()


def _frames() -> list[list[AuditEvent]]:
    frames = getattr(_local, "frames", None)
    if frames is None:
        frames = _local.frames = []
    return frames


@contextmanager
def unit(*, savepoint: bool = True) -> Iterator[None]:
    """An atomic block whose audit events are appended together just before it commits.

    Appending locks the chain head until commit, so the lock is taken last: a ticket's whole
    intake (record, routing, triggers) runs first, and concurrent requests queue only for the
    final few statements. Nested units fold into the outermost; a unit that raises drops its own
    events with its changes. Services use ``unit()`` wherever they would use
    ``transaction.atomic()``; ``savepoint=False`` spares two statements where no caller catches
    an error from inside the block and carries on.
    """
    frames = _frames()
    with transaction.atomic(savepoint=savepoint):
        frames.append([])
        try:
            yield
        except BaseException:
            frames.pop()
            raise
        events = frames.pop()
        if frames:
            frames[-1].extend(events)
        else:
            _append(events)


def record(
    kind: str,
    subject_type: str,
    subject_id: int,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the chain with the enclosing unit (or at once outside any unit)."""
    event = AuditEvent(
        occurred_at=clock.now(),
        kind=kind,
        actor_id=getattr(actor, "pk", None),
        actor_label=str(getattr(actor, "email", "") or ""),
        subject_type=subject_type,
        subject_id=subject_id,
        data=_normalize(data or {}),
    )
    frames = _frames()
    if frames:
        frames[-1].append(event)
    else:
        with unit():
            frames[-1].append(event)
    return event


def _append(events: list[AuditEvent]) -> None:
    """Chain ``events`` after the head: two statements on PostgreSQL, three elsewhere.

    The head row stays locked from the first statement to the commit, so this runs last and
    says as little as possible to the database in between.
    """
    if not events:
        return
    seq, prev = _claim(len(events))
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = _digest(event)
    if connection.vendor == "postgresql":
        _write_postgresql(events)
    else:
        AuditEvent.objects.bulk_create(events)
        AuditHead.objects.filter(id=1).update(hash=prev)


# Hand-written SQL for the one statement every write in the product ends with (default table
# names of core.AuditHead / core.AuditEvent; the test suite runs these on both databases).
_CLAIM = "UPDATE core_audithead SET seq = seq + %s WHERE id = 1 RETURNING seq, hash"
# PostgreSQL: the events and the head's new hash in one round trip (a data-modifying WITH
# always runs in full); the rows arrive as one JSON array, so the text never changes and the
# driver dumps one string instead of ten arrays (its array dumping is Python, per element).
_WRITE_POSTGRESQL = """
WITH written AS (
    INSERT INTO core_auditevent (seq, occurred_at, kind, actor_id, actor_label, subject_type,
                                 subject_id, data, prev_hash, hash)
    SELECT seq, occurred_at, kind, actor_id, actor_label, subject_type, subject_id, data,
           prev_hash, hash
    FROM jsonb_to_recordset(%s::jsonb) AS e(seq bigint, occurred_at timestamptz, kind varchar,
         actor_id bigint, actor_label varchar, subject_type varchar, subject_id bigint,
         data jsonb, prev_hash varchar, hash varchar)
)
UPDATE core_audithead SET hash = %s WHERE id = 1
"""


def _claim(count: int) -> tuple[int, str]:
    """Lock the head and reserve ``count`` sequence numbers in one statement.

    Returns the sequence number and hash of the event the new ones follow. The head's hash is
    moved by the caller's final statement, in the same transaction.
    """
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(_CLAIM, [count])
            row = cursor.fetchone()
            if row is not None:
                return int(row[0]) - count, str(row[1])
            AuditHead.objects.get_or_create(id=1)  # a new database: the chain starts here
    raise RuntimeError("the audit chain head could not be created")


def _write_postgresql(events: list[AuditEvent]) -> None:
    rows = [
        {
            "seq": e.seq,
            "occurred_at": e.occurred_at.isoformat(),  # to the microsecond, as hashed
            "kind": e.kind,
            "actor_id": e.actor_id,
            "actor_label": e.actor_label,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "data": e.data,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in events
    ]
    with connection.cursor() as cursor:
        cursor.execute(_WRITE_POSTGRESQL, [json.dumps(rows), events[-1].hash])


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.reason}"


def verify_chain(batch_size: int = 5000) -> Iterator[int | ChainProblem]:
    """Walk the chain in order; yields each verified seq, then stops at the first problem.

    Detects an edited event (its hash no longer matches its content), an inserted or deleted
    event (a gap in ``seq`` or a ``prev_hash`` that does not name the previous event) and a
    deleted tail (the head names an event that is missing).

    Safe on a running system: the head is read first and only the events up to it are walked,
    all in one read-only snapshot, so events appended meanwhile are neither seen half-way nor
    mistaken for a broken tail (they are verified by the next run).
    """
    with snapshot():
        head = AuditHead.objects.filter(id=1).first()
        events = AuditEvent.objects.order_by("seq")
        if head is not None:
            events = events.filter(seq__lte=head.seq)
        expected_seq, prev_hash = 1, GENESIS
        for event in events.iterator(chunk_size=batch_size):
            problem = _check(event, expected_seq, prev_hash)
            if problem:
                yield problem
                return
            yield event.seq
            expected_seq, prev_hash = event.seq + 1, event.hash
        if head and (head.seq != expected_seq - 1 or head.hash != prev_hash):
            yield ChainProblem(head.seq, "the chain head names an event that is missing or altered")


def head_seq() -> int:
    """The sequence number of the chain's last committed event (0 for an empty chain)."""
    head = AuditHead.objects.filter(id=1).first()
    return head.seq if head else 0


@contextmanager
def snapshot() -> Iterator[None]:
    """One read-only, consistent view of the database for everything read inside.

    PostgreSQL: a REPEATABLE READ transaction. SQLite: a deferred transaction, which in WAL mode
    reads the database as of its first read while writers carry on; Django's ``atomic()`` would
    ``BEGIN IMMEDIATE`` (our setting) and hold every writer off for the whole walk. Inside a
    transaction already (tests, a caller's unit) that transaction is the snapshot.
    """
    if connection.in_atomic_block or getattr(_local, "in_snapshot", False):
        yield
        return
    _local.in_snapshot = True
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield
        else:
            with _sqlite_snapshot():
                yield
    finally:
        _local.in_snapshot = False


@contextmanager
def _sqlite_snapshot() -> Iterator[None]:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")  # nothing was written; ends the read transaction


def _check(event: AuditEvent, expected_seq: int, prev_hash: str) -> ChainProblem | None:
    if event.seq != expected_seq:
        return ChainProblem(expected_seq, f"missing (next stored event is #{event.seq})")
    if event.prev_hash != prev_hash:
        return ChainProblem(event.seq, "does not link to the event before it (inserted?)")
    if _digest(event) != event.hash:
        return ChainProblem(event.seq, "content does not match its hash (edited)")
    return None


def events_for(subject_type: str, subject_id: int) -> Any:
    """The events about one subject, oldest first (a ticket's timeline)."""
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "seq"
    )
