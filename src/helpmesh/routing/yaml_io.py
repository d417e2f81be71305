"""The support model as a YAML document: ``helpmesh model export FILE`` / ``apply FILE``.

Apply is declarative per section: each top-level section present in the document (calendars,
teams, models, sla_policies) becomes exactly what the document says; absent sections are left
alone. The whole document is validated first and applied in one transaction, so a bad key
changes nothing. Format: docs/adr/0010-support-model-yaml-format.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from helpmesh.accounts.models import Team
from helpmesh.core import audit, clock
from helpmesh.routing import snapshots
from helpmesh.routing.models import (
    Calendar,
    Holiday,
    Layer,
    Rule,
    SlaPolicy,
    SupportModel,
    TeamProfile,
)
from helpmesh.routing.validation import SpecError, check_document


def export_document() -> dict[str, Any]:
    """Everything that makes up the support model, as plain data."""
    return {
        "version": 1,
        "calendars": [_calendar(c) for c in Calendar.objects.prefetch_related("holidays")],
        "teams": [_team(p) for p in TeamProfile.objects.select_related("team", "calendar")],
        "models": [snapshots.model_dict(m) for m in SupportModel.objects.all()],
        "sla_policies": [_sla(p) for p in SlaPolicy.objects.select_related("calendar")],
    }


def _calendar(row: Calendar) -> dict[str, Any]:
    holidays = [{"date": h.date.isoformat(), "name": h.name} for h in row.holidays.all()]
    return {"slug": row.slug, "timezone": row.timezone, "hours": row.hours, "holidays": holidays}


def _team(row: TeamProfile) -> dict[str, Any]:
    return {
        "team": row.team.slug,
        "calendar": row.calendar.slug if row.calendar else None,
        "region": row.region,
        "assignment": row.assignment,
        "channels": row.channels,
    }


def _sla(row: SlaPolicy) -> dict[str, Any]:
    return {
        "name": row.name,
        "when": row.when,
        "first_response_minutes": row.first_response_minutes,
        "next_response_minutes": row.next_response_minutes,
        "resolution_minutes": row.resolution_minutes,
        "warn_before_minutes": row.warn_before_minutes,
        "calendar": row.calendar.slug if row.calendar else None,
        "on_breach": row.on_breach,
    }


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False)


def load(text: str) -> Any:
    """Parse YAML; a syntax error becomes a SpecError with the line."""
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "document"
        raise SpecError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def validate(document: Any) -> None:
    """Check ``document`` against this database's teams; raises SpecError naming the key."""
    teams = set(Team.objects.values_list("slug", flat=True))
    # Without a calendars section the document may name the calendars already stored.
    stored = (
        [] if "calendars" in (document or {}) else Calendar.objects.values_list("slug", flat=True)
    )
    check_document(document, teams=teams, calendars=stored)


def apply_document(document: Any, *, actor: Any = None) -> dict[str, int]:
    """Validate, then make the database match ``document``; returns counts per section."""
    validate(document)
    counts: dict[str, int] = {}
    with audit.unit():
        if "calendars" in document:
            counts["calendars"] = _apply_calendars(document["calendars"] or [])
        if "teams" in document:
            counts["teams"] = _apply_teams(document["teams"] or [])
        if "models" in document:
            counts["models"] = _apply_models(document["models"] or [])
        if "sla_policies" in document:
            counts["sla_policies"] = _apply_slas(document["sla_policies"] or [])
        snapshots.forget_model()
        audit.record("support_model.applied", "support_model", 0, actor=actor, data=counts)
    return counts


def _apply_calendars(items: list[dict[str, Any]]) -> int:
    Calendar.objects.exclude(slug__in=[c["slug"] for c in items]).delete()
    for item in items:
        row, _ = Calendar.objects.update_or_create(
            slug=item["slug"],
            defaults={"timezone": item.get("timezone") or "UTC", "hours": item.get("hours") or {}},
        )
        row.holidays.all().delete()
        Holiday.objects.bulk_create(
            Holiday(calendar=row, date=date.fromisoformat(str(h["date"])), name=h.get("name") or "")
            for h in item.get("holidays") or []
        )
    return len(items)


def _apply_teams(items: list[dict[str, Any]]) -> int:
    calendars = {c.slug: c for c in Calendar.objects.all()}
    teams = {t.slug: t for t in Team.objects.all()}
    TeamProfile.objects.exclude(team__slug__in=[i["team"] for i in items]).delete()
    for item in items:
        TeamProfile.objects.update_or_create(
            team=teams[item["team"]],
            defaults={
                "calendar": calendars.get(item.get("calendar") or ""),
                "region": item.get("region") or "",
                "assignment": item.get("assignment") or "round_robin",
                "channels": item.get("channels") or [],
            },
        )
    return len(items)


def _apply_models(items: list[dict[str, Any]]) -> int:
    SupportModel.objects.exclude(name__in=[m["name"] for m in items]).delete()
    for item in items:
        model, _ = SupportModel.objects.update_or_create(
            name=item["name"],
            defaults={
                "description": item.get("description") or "",
                "is_active": bool(item.get("active")),
                "updated_at": clock.now(),
            },
        )
        model.layers.all().delete()
        for position, layer in enumerate(item.get("layers") or []):
            row = Layer.objects.create(
                model=model,
                position=position,
                kind=layer["kind"],
                when=layer.get("when") or {},
                settings=layer.get("settings") or {},
            )
            Rule.objects.bulk_create(
                Rule(
                    layer=row,
                    position=i,
                    name=r["name"],
                    when=r.get("when") or {},
                    then=r.get("then") or {},
                )
                for i, r in enumerate(layer.get("rules") or [])
            )
    return len(items)


def _apply_slas(items: list[dict[str, Any]]) -> int:
    calendars = {c.slug: c for c in Calendar.objects.all()}
    SlaPolicy.objects.exclude(name__in=[p["name"] for p in items]).delete()
    for position, item in enumerate(items):
        SlaPolicy.objects.update_or_create(
            name=item["name"],
            defaults={
                "position": position,
                "when": item.get("when") or {},
                "first_response_minutes": item.get("first_response_minutes"),
                "next_response_minutes": item.get("next_response_minutes"),
                "resolution_minutes": item.get("resolution_minutes"),
                "warn_before_minutes": item.get("warn_before_minutes", 15),
                "calendar": calendars.get(item.get("calendar") or ""),
                "on_breach": item.get("on_breach") or [],
            },
        )
    return len(items)
