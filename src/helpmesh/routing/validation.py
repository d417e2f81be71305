"""Validate a support-model document (YAML or admin edits) with errors naming the bad key.

SpecError("models[0].layers[1].rules[0].when.intnet: unknown condition 'intnet' ...")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpmesh.routing import conditions
from helpmesh.routing.calendars import DAYS, parse_span

TOP_KEYS = {"version", "calendars", "teams", "models", "sla_policies"}
ASSIGNMENTS = {"manual", "round_robin", "least_loaded"}
BREACH_ACTIONS = {"notify", "raise_priority", "escalate_tier"}
# For each layer kind: allowed settings keys, required settings keys, allowed ``then`` keys.
LAYERS: dict[str, tuple[set[str], set[str], set[str]]] = {
    "department": ({"default_team"}, set(), {"team"}),
    "central": ({"first_line"}, {"first_line"}, {"team"}),
    "tiered": ({"levels", "require_note"}, {"levels"}, {"tier"}),
    "swarming": ({"max_members"}, set(), {"skills"}),
    "follow_the_sun": ({"regions", "when"}, {"regions"}, set()),
    "skills": ({"relax_after_minutes"}, set(), {"skills", "language"}),
    "self_service": ({"channels", "min_confidence", "never_automate"}, {"channels"}, set()),
    "community": ({"time_box_minutes", "channels", "offer_to"}, {"time_box_minutes"}, set()),
}


class SpecError(ValueError):
    """A support-model document that cannot be applied; ``path`` names the bad key."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path, self.message = path, message


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(path, f"must be a mapping, got {type(value).__name__}")
    return value


def _items(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecError(path, f"must be a list, got {type(value).__name__}")
    return value


def _only(data: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
    for key in data:
        if key not in allowed:
            raise SpecError(
                _join(path, key), f"unknown key (allowed: {', '.join(sorted(allowed))})"
            )


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    if data.get(key) in (None, ""):
        raise SpecError(_join(path, key), "is required")
    return data[key]


def check_calendar(data: Any, path: str) -> None:
    """One calendar: slug, a real IANA timezone, weekday spans, holidays."""
    data = _mapping(data, path)
    _only(data, {"slug", "timezone", "hours", "holidays"}, path)
    _required(data, "slug", path)
    try:
        ZoneInfo(str(data.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        raise SpecError(_join(path, "timezone"), f"unknown timezone {data['timezone']!r}") from None
    hours = _mapping(data.get("hours") or {}, _join(path, "hours"))
    for day, spans in hours.items():
        where = _join(_join(path, "hours"), day)
        if day not in DAYS:
            raise SpecError(where, f"unknown day (use {', '.join(DAYS)})")
        for index, span in enumerate(_items(spans, where)):
            try:
                parse_span(str(span))
            except ValueError as exc:
                raise SpecError(_join(where, index), str(exc)) from None
    for index, holiday in enumerate(_items(data.get("holidays"), _join(path, "holidays"))):
        where = _join(_join(path, "holidays"), index)
        holiday = _mapping(holiday, where)
        _only(holiday, {"date", "name"}, where)
        try:
            date.fromisoformat(str(_required(holiday, "date", where)))
        except ValueError:
            raise SpecError(_join(where, "date"), "must be a date like 2026-12-25") from None


def _when(value: Any, path: str) -> None:
    try:
        conditions.validate(value if value is not None else {})
    except conditions.ConditionError as exc:
        raise SpecError(_join(path, exc.key) if exc.key else path, str(exc)) from None


def check_layer_when(when: Any, path: str) -> None:
    """A layer's ``when``: the rules' condition language (the admin calls this too)."""
    _when(when, path)


def _team_ref(value: Any, path: str, teams: set[str] | None) -> None:
    if not isinstance(value, str) or not value:
        raise SpecError(path, "must name a team by its slug")
    if teams is not None and value not in teams:
        raise SpecError(path, f"unknown team {value!r}")


def _skills(value: Any, path: str) -> None:
    for name, level in _mapping(value, path).items():
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise SpecError(_join(path, name), "a skill level is a whole number from 1 to 5")


def check_settings(kind: str, settings: Any, path: str, teams: set[str] | None) -> None:
    """The ``settings`` of one layer of ``kind``."""
    allowed, required, _ = LAYERS[kind]
    settings = _mapping(settings or {}, path)
    _only(settings, allowed, path)
    for key in required:
        _required(settings, key, path)
    for key in ("default_team", "first_line"):
        if settings.get(key):
            _team_ref(settings[key], _join(path, key), teams)
    for index, team in enumerate(_items(settings.get("levels"), _join(path, "levels"))):
        _team_ref(team, _join(_join(path, "levels"), index), teams)
    regions = _items(settings.get("regions"), _join(path, "regions"))
    for index, region in enumerate(regions):
        where = _join(_join(path, "regions"), index)
        region = _mapping(region, where)
        _only(region, {"name", "team"}, where)
        _required(region, "name", where)
        _team_ref(_required(region, "team", where), _join(where, "team"), teams)
    if kind == "follow_the_sun" and len(regions) < 2:
        raise SpecError(_join(path, "regions"), "follow-the-sun needs at least two regions")
    if "when" in settings:
        _when(settings["when"], _join(path, "when"))
    for index, minutes in enumerate(_items(settings.get("relax_after_minutes"), path)):
        if not isinstance(minutes, int) or minutes <= 0:
            raise SpecError(_join(_join(path, "relax_after_minutes"), index), "minutes > 0")
    if kind == "self_service":
        _self_service(settings, path)
    if kind == "community":
        _community(settings, path)


def _community(settings: Mapping[str, Any], path: str) -> None:
    """A time box in whole minutes, the channels the crowd takes, how many experts to offer."""
    for key in ("time_box_minutes", "offer_to"):
        value = settings.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value <= 0
        ):
            raise SpecError(_join(path, key), "must be a whole number > 0")
    where = _join(path, "channels")
    for index, value in enumerate(_items(settings.get("channels"), where)):
        if not isinstance(value, str) or not value.strip():
            raise SpecError(_join(where, index), "must be a non-empty text")


def _self_service(settings: Mapping[str, Any], path: str) -> None:
    """Bot channels (at least one), a confidence between 0 and 1, never-automate phrases."""
    for key in ("channels", "never_automate"):
        where = _join(path, key)
        for index, value in enumerate(_items(settings.get(key), where)):
            if not isinstance(value, str) or not value.strip():
                raise SpecError(_join(where, index), "must be a non-empty text")
    if not settings["channels"]:
        raise SpecError(_join(path, "channels"), "name at least one channel the bot answers on")
    confidence = settings.get("min_confidence")
    if confidence is not None and (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0 <= confidence <= 1
    ):
        raise SpecError(_join(path, "min_confidence"), "must be a number from 0 to 1")


def check_then(kind: str, then: Any, path: str, teams: set[str] | None, levels: int) -> None:
    """The ``then`` of one rule in a layer of ``kind``."""
    then = _mapping(then or {}, path)
    _only(then, LAYERS[kind][2], path)
    if kind in ("department", "central"):
        _team_ref(_required(then, "team", path), _join(path, "team"), teams)
    if kind == "tiered":
        tier = _required(then, "tier", path)
        if not isinstance(tier, int) or not 1 <= tier <= levels:
            raise SpecError(_join(path, "tier"), f"must be a tier from 1 to {levels}")
    if "skills" in then:
        _skills(then["skills"], _join(path, "skills"))


def check_layer(data: Any, path: str, teams: set[str] | None) -> None:
    """One layer: its kind, settings and rules."""
    data = _mapping(data, path)
    _only(data, {"kind", "when", "settings", "rules"}, path)
    kind = _required(data, "kind", path)
    if kind not in LAYERS:
        raise SpecError(_join(path, "kind"), f"unknown layer kind {kind!r} ({', '.join(LAYERS)})")
    check_layer_when(data.get("when"), _join(path, "when"))
    check_settings(kind, data.get("settings"), _join(path, "settings"), teams)
    levels = len((data.get("settings") or {}).get("levels") or [])
    rules = _items(data.get("rules"), _join(path, "rules"))
    if kind == "follow_the_sun" and rules:
        raise SpecError(_join(path, "rules"), "follow-the-sun takes regions, not rules")
    if kind == "self_service" and rules:
        raise SpecError(_join(path, "rules"), "self-service takes settings, not rules")
    if kind == "community" and rules:
        raise SpecError(_join(path, "rules"), "the community layer takes settings, not rules")
    for index, rule in enumerate(rules):
        where = _join(_join(path, "rules"), index)
        rule = _mapping(rule, where)
        _only(rule, {"name", "when", "then"}, where)
        _required(rule, "name", where)
        _when(rule.get("when"), _join(where, "when"))
        check_then(kind, rule.get("then"), _join(where, "then"), teams, levels)


def check_sla(data: Any, path: str, calendars: set[str]) -> None:
    """One SLA policy."""
    data = _mapping(data, path)
    minutes = {"first_response_minutes", "next_response_minutes", "resolution_minutes"}
    _only(data, {"name", "when", "warn_before_minutes", "calendar", "on_breach", *minutes}, path)
    _required(data, "name", path)
    _when(data.get("when"), _join(path, "when"))
    for key in [*sorted(minutes), "warn_before_minutes"]:
        value = data.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise SpecError(_join(path, key), "must be a whole number of minutes")
    if data.get("calendar") and data["calendar"] not in calendars:
        raise SpecError(_join(path, "calendar"), f"unknown calendar {data['calendar']!r}")
    for index, action in enumerate(_items(data.get("on_breach"), _join(path, "on_breach"))):
        if action not in BREACH_ACTIONS:
            raise SpecError(
                _join(_join(path, "on_breach"), index),
                f"unknown action {action!r} ({', '.join(sorted(BREACH_ACTIONS))})",
            )


def check_team(data: Any, path: str, teams: set[str] | None, calendars: set[str]) -> None:
    data = _mapping(data, path)
    _only(data, {"team", "calendar", "region", "assignment", "channels"}, path)
    _team_ref(_required(data, "team", path), _join(path, "team"), teams)
    if data.get("calendar") and data["calendar"] not in calendars:
        raise SpecError(_join(path, "calendar"), f"unknown calendar {data['calendar']!r}")
    if data.get("assignment", "round_robin") not in ASSIGNMENTS:
        raise SpecError(_join(path, "assignment"), f"one of {', '.join(sorted(ASSIGNMENTS))}")
    _items(data.get("channels"), _join(path, "channels"))


def check_document(doc: Any, teams: set[str] | None = None, calendars: Iterable[str] = ()) -> None:
    """Validate a whole document; ``teams``: known team slugs (None skips that check)."""
    doc = _mapping(doc, "")
    _only(doc, TOP_KEYS, "")
    if doc.get("version", 1) != 1:
        raise SpecError("version", "only version 1 is understood")
    known_calendars = set(calendars)
    for index, calendar in enumerate(_items(doc.get("calendars"), "calendars")):
        check_calendar(calendar, _join("calendars", index))
        known_calendars.add(calendar["slug"])
    for index, team in enumerate(_items(doc.get("teams"), "teams")):
        check_team(team, _join("teams", index), teams, known_calendars)
    active = 0
    for index, model in enumerate(_items(doc.get("models"), "models")):
        where = _join("models", index)
        model = _mapping(model, where)
        _only(model, {"name", "description", "active", "layers"}, where)
        _required(model, "name", where)
        active += bool(model.get("active"))
        for position, layer in enumerate(_items(model.get("layers"), _join(where, "layers"))):
            check_layer(layer, _join(_join(where, "layers"), position), teams)
    if active > 1:
        raise SpecError("models", "at most one model may be active")
    for index, policy in enumerate(_items(doc.get("sla_policies"), "sla_policies")):
        check_sla(policy, _join("sla_policies", index), known_calendars)
