"""Triage's step in the ticket pipeline (first in ``HELPMESH_TICKET_HOOKS["received"]``)."""

from __future__ import annotations

import logging
from typing import Any

from helpmesh.conversations.models import Message, Ticket
from helpmesh.triage import history, services
from helpmesh.triage.model import ModelError

log = logging.getLogger(__name__)


def classify(
    ticket: Ticket, *, created_ticket: bool = False, message: Message | None = None, **context: Any
) -> None:
    """Write ``intent`` and ``intent_confidence`` on a new ticket when a model is trained.

    Triage is advice: a missing or broken model is logged and the ticket goes on unclassified
    (routing then falls back to its rules without an intent).
    """
    if not created_ticket:
        return  # follow-ups keep the intent the ticket was opened with
    text = history.ticket_text(ticket.subject, message.body_text if message else "")
    try:
        services.classify_ticket(ticket, text)
    except (ModelError, OSError):
        log.exception("triage skipped for ticket %s: the model cannot be used", ticket.pk)
