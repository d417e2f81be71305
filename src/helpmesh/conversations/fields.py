"""Per-team custom ticket fields: their definitions and the validation of values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Q

from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import CustomField, FieldKind
from helpmesh.core import config_cache


def definitions_for(team_id: int | None) -> dict[str, CustomField]:
    """Fields every ticket has plus the fields of ``team_id``; a team's field wins on a clash."""

    def load() -> dict[str, CustomField]:
        fields = CustomField.objects.filter(Q(team__isnull=True) | Q(team_id=team_id))
        ordered = sorted(fields, key=lambda f: f.team_id is not None)
        return {f.key: f for f in ordered}

    return config_cache.cached(f"fields.{team_id}", load)


def ensure_defined(fields: Mapping[str, tuple[str, str]], team_id: int | None = None) -> None:
    """Define ``{key: (label, kind)}`` for every ticket (no team) unless a ticket of ``team_id``
    can already take them: triage and the bot write fields nobody configured (idempotent)."""
    if set(fields) <= set(definitions_for(team_id)):
        return
    for key, (label, kind) in fields.items():
        CustomField.objects.get_or_create(
            team=None, key=key, defaults={"label": label, "kind": kind}
        )
    config_cache.forget("fields.")


def validate(values: dict[str, Any], team_id: int | None, *, partial: bool) -> dict[str, Any]:
    """Check and coerce ``values``; errors name the field as ``custom_fields.<key>``."""
    definitions = definitions_for(team_id)
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise TicketError(f"unknown field {key!r}", field=f"custom_fields.{key}")
        cleaned[key] = None if value in (None, "") else _coerce(definition, value)
    if not partial:
        for key, definition in definitions.items():
            if definition.required and cleaned.get(key) in (None, ""):
                raise TicketError(f"{definition.label} is required", field=f"custom_fields.{key}")
    return cleaned


def _coerce(definition: CustomField, value: Any) -> Any:
    field = f"custom_fields.{definition.key}"
    kind = definition.kind
    try:
        if kind == FieldKind.NUMBER:
            return float(value) if "." in str(value) else int(value)
        if kind == FieldKind.BOOLEAN:
            if isinstance(value, bool):
                return value
            return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}[
                str(value).lower()
            ]
        if kind == FieldKind.DATE:
            return date.fromisoformat(str(value)).isoformat()
    except (ValueError, KeyError):
        raise TicketError(f"{value!r} is not a valid {kind}", field=field) from None
    if kind == FieldKind.CHOICE and value not in definition.choices:
        raise TicketError(f"{value!r} is not one of {definition.choices}", field=field)
    return str(value)
