"""Append to and verify the tamper-evident audit chain.

Every service that changes a ticket, a customer or an account calls ``record`` inside its own
transaction, so the event commits or rolls back with the change it describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

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


def record(
    kind: str,
    subject_type: str,
    subject_id: int,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; must run inside the caller's transaction."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=clock.now(),
            kind=kind,
            actor_id=getattr(actor, "pk", None),
            actor_label=str(getattr(actor, "email", "") or ""),
            subject_type=subject_type,
            subject_id=subject_id,
            data=_normalize(data or {}),
            prev_hash=head.hash,
        )
        event.hash = _digest(event)
        event.save()
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


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
    """
    expected_seq, prev_hash = 1, GENESIS
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)
    for event in events:
        problem = _check(event, expected_seq, prev_hash)
        if problem:
            yield problem
            return
        yield event.seq
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        yield ChainProblem(head.seq, "the chain head names an event that is missing or altered")


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
