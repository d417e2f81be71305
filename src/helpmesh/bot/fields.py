"""The ticket fields the bot writes, defined once for every ticket (no team).

Like ``triage.fields``, defined idempotently on first use through
``conversations.fields.ensure_defined``. Routing reads them
(``routing.snapshots.facts_for`` -> ``TicketFacts.self_service``).
"""

from __future__ import annotations

from helpmesh.conversations.fields import ensure_defined
from helpmesh.conversations.models import FieldKind

BOT_FIELDS = {
    "self_service": ("Self-service (answer bot)", FieldKind.TEXT),
    "self_service_reason": ("Self-service reason", FieldKind.TEXT),
}


def ensure_fields(team_id: int | None = None) -> None:
    """Create the definitions the bot writes when a ticket of ``team_id`` cannot take them yet."""
    ensure_defined(BOT_FIELDS, team_id)
