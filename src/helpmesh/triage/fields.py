"""The ticket fields triage writes, defined once for every ticket (no team).

The record owns ``CustomField`` and has no service to define one yet, so this is the single place
triage creates its own definitions (idempotently, on first use); see docs/triage.md.
"""

from __future__ import annotations

from helpmesh.conversations.fields import definitions_for
from helpmesh.conversations.models import CustomField, FieldKind
from helpmesh.core import config_cache

TRIAGE_FIELDS = {
    "intent": ("Intent (triage)", FieldKind.TEXT),
    "intent_confidence": ("Intent confidence (triage)", FieldKind.NUMBER),
    "priority_suggestion": ("Suggested priority (triage)", FieldKind.TEXT),
    "priority_confidence": ("Suggested priority confidence (triage)", FieldKind.NUMBER),
}


def ensure_fields(team_id: int | None = None) -> None:
    """Create the definitions triage writes when a ticket of ``team_id`` cannot take them yet."""
    if set(TRIAGE_FIELDS) <= set(definitions_for(team_id)):
        return
    for key, (label, kind) in TRIAGE_FIELDS.items():
        CustomField.objects.get_or_create(
            team=None, key=key, defaults={"label": label, "kind": kind}
        )
    config_cache.forget("fields.")
