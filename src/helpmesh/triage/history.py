"""Labelled examples from the organization's resolved tickets.

Text: the ticket's subject and its first customer message (what triage sees on arrival).
Label: the team that resolved the ticket, or the value of a custom field (``label_field``) an
agent maintains. Resolved means solved or closed and not merged into another ticket.
"""

from __future__ import annotations

from collections.abc import Iterator

from helpmesh.conversations.models import Message, Status, Ticket
from helpmesh.triage.data import Examples

RESOLVED = (Status.SOLVED, Status.CLOSED)


def ticket_text(subject: str, first_message: str) -> str:
    """The text triage reads: subject, a newline, the first customer message."""
    return f"{subject.strip()}\n{first_message.strip()}".strip()


def _first_customer_messages(ticket_ids: list[int]) -> dict[int, str]:
    rows = (
        Message.objects.filter(
            ticket_id__in=ticket_ids, author_customer__isnull=False, internal=False
        )
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "body_text")
    )
    first: dict[int, str] = {}
    for ticket_id, body in rows:
        first.setdefault(ticket_id, body)
    return first


def _resolved(batch: int = 1000) -> Iterator[list[Ticket]]:
    query = (
        Ticket.objects.filter(status__in=RESOLVED, merged_into__isnull=True)
        .select_related("team")
        .order_by("id")
    )
    last = 0
    while chunk := list(query.filter(id__gt=last)[:batch]):
        yield chunk
        last = chunk[-1].pk


def resolved_examples(label_field: str | None = None) -> tuple[Examples, Examples]:
    """(intent-or-team examples, priority examples) from resolved tickets.

    Tickets without the label (no team, or the field unset) are left out of the first set.
    """
    labelled, by_priority = Examples([], []), Examples([], [])
    for chunk in _resolved():
        messages = _first_customer_messages([t.pk for t in chunk])
        for ticket in chunk:
            text = ticket_text(ticket.subject, messages.get(ticket.pk, ""))
            # Priority is learned from every resolved ticket, labelled or not.
            by_priority.texts.append(text)
            by_priority.labels.append(ticket.priority)
            label = _label(ticket, label_field)
            if label:
                labelled.texts.append(text)
                labelled.labels.append(label)
    return labelled, by_priority


def _label(ticket: Ticket, label_field: str | None) -> str:
    if label_field:
        return str(ticket.custom_fields.get(label_field) or "").strip()
    return ticket.team.name if ticket.team else ""
