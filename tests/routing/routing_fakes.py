"""A stand-in for helpmesh.triage in routing stories (named in HELPMESH_TICKET_HOOKS)."""

from __future__ import annotations

from helpmesh.conversations.models import Ticket

# subject -> (intent, confidence): what the triage helper would predict.
PREDICTIONS: dict[str, tuple[str, float]] = {}


def fake_triage(ticket: Ticket, *, created_ticket: bool = False, **context) -> None:
    """Stands in for helpmesh.triage: writes intent and confidence where routing reads them."""
    if created_ticket and ticket.subject in PREDICTIONS:
        intent, confidence = PREDICTIONS[ticket.subject]
        fields = {**ticket.custom_fields, "intent": intent, "intent_confidence": confidence}
        Ticket.objects.filter(pk=ticket.pk).update(custom_fields=fields)
