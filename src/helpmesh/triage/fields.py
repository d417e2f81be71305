"""The ticket fields triage writes, defined once for every ticket (no team).

Defined idempotently on first use through ``conversations.fields.ensure_defined`` (the record
owns ``CustomField``); see docs/triage.md.
"""

from __future__ import annotations

from helpmesh.conversations.fields import ensure_defined
from helpmesh.conversations.models import FieldKind

TRIAGE_FIELDS = {
    "intent": ("Intent (triage)", FieldKind.TEXT),
    "intent_confidence": ("Intent confidence (triage)", FieldKind.NUMBER),
    "priority_suggestion": ("Suggested priority (triage)", FieldKind.TEXT),
    "priority_confidence": ("Suggested priority confidence (triage)", FieldKind.NUMBER),
}


def ensure_fields(team_id: int | None = None) -> None:
    """Create the definitions triage writes when a ticket of ``team_id`` cannot take them yet."""
    ensure_defined(TRIAGE_FIELDS, team_id)
