"""The ticket fields the bot writes, defined once for every ticket (no team).

Same pattern as ``triage.fields``: the record owns ``CustomField`` and has no service to define
one, so the bot creates its own definitions idempotently on first use. Routing reads them
(``routing.snapshots.facts_for`` -> ``TicketFacts.self_service``).
"""

from __future__ import annotations

from helpmesh.conversations.fields import definitions_for
from helpmesh.conversations.models import CustomField, FieldKind
from helpmesh.core import config_cache

BOT_FIELDS = {
    "self_service": ("Self-service (answer bot)", FieldKind.TEXT),
    "self_service_reason": ("Self-service reason", FieldKind.TEXT),
}


def ensure_fields(team_id: int | None = None) -> None:
    """Create the definitions the bot writes when a ticket of ``team_id`` cannot take them yet."""
    if set(BOT_FIELDS) <= set(definitions_for(team_id)):
        return
    for key, (label, kind) in BOT_FIELDS.items():
        CustomField.objects.get_or_create(
            team=None, key=key, defaults={"label": label, "kind": kind}
        )
    config_cache.forget("fields.")
