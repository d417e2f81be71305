"""The ``when:`` language of rules, SLA policies and triggers: every key must hold.

Each condition checks its value when the model is validated and explains itself when evaluated,
so a trace reads "intent is 'billing' with confidence 0.91 >= 0.8".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from helpmesh.routing.facts import TicketFacts

Check = Callable[[TicketFacts, Any, datetime], tuple[bool, str]]


class ConditionError(ValueError):
    """A bad ``when:`` entry; ``key`` names it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _one_of(attribute: str, label: str) -> Check:
    def check(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
        actual = getattr(facts, attribute)
        wanted = _as_list(value)
        shown = wanted[0] if len(wanted) == 1 else f"one of {wanted}"
        if actual is not None and str(actual) in wanted:
            return True, f"{label} is {actual!r}"
        return False, f"{label} is {actual!r}, not {shown!r}"

    return check


def _min_confidence(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    confidence = facts.intent_confidence
    if confidence is not None and confidence >= float(value):
        return True, f"confidence {confidence:.2f} >= {float(value)}"
    return False, f"confidence {confidence} < {float(value)}"


def _tags_any(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    hits = sorted(facts.tags & set(_as_list(value)))
    return (True, f"tagged {hits}") if hits else (False, f"none of the tags {_as_list(value)}")


def _tags_all(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    missing = sorted(set(_as_list(value)) - facts.tags)
    return (False, f"missing tags {missing}") if missing else (True, f"tagged {_as_list(value)}")


def _fields(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    for key, wanted in value.items():
        actual = facts.fields.get(key)
        if actual is None or str(actual) not in _as_list(wanted):
            return False, f"field {key} is {actual!r}, not {wanted!r}"
    return True, f"fields {dict(value)}"


def _subject_contains(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    subject = facts.subject.lower()
    hit = next((w for w in _as_list(value) if w.lower() in subject), None)
    return (True, f"subject mentions {hit!r}") if hit else (False, "subject does not match")


def _minutes_since(attribute: str, label: str) -> Check:
    def check(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
        since = getattr(facts, attribute)
        minutes = (now - since).total_seconds() / 60 if since else 0.0
        ok = minutes >= float(value)
        return ok, f"{label} {minutes:.0f} min {'>=' if ok else '<'} {value}"

    return check


def _breach_within(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    if facts.sla_due is None:
        return False, "no SLA due time"
    left = (facts.sla_due - now).total_seconds() / 60
    ok = left <= float(value)
    return ok, f"SLA due in {left:.0f} min {'<=' if ok else '>'} {value}"


def _tier(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    return facts.tier == int(value), f"tier is {facts.tier}"


def _skills_count(facts: TicketFacts, value: Any, now: datetime) -> tuple[bool, str]:
    count = len(facts.required_skills)
    return count >= int(value), f"{count} skills required"


CHECKS: dict[str, Check] = {
    "channel": _one_of("channel", "channel"),
    "mailbox": _one_of("mailbox", "mailbox"),
    "intent": _one_of("intent", "intent"),
    "organization": _one_of("organization", "organization"),
    "customer_tier": _one_of("customer_tier", "customer tier"),
    "language": _one_of("language", "language"),
    "priority": _one_of("priority", "priority"),
    "status": _one_of("status", "status"),
    "team": _one_of("team", "team"),
    "min_confidence": _min_confidence,
    "tags_any": _tags_any,
    "tags_all": _tags_all,
    "fields": _fields,
    "subject_contains": _subject_contains,
    "tier": _tier,
    "time_in_tier_minutes": _minutes_since("tier_since", "in tier"),
    "waiting_minutes": _minutes_since("created_at", "waiting"),
    "sla_breach_within_minutes": _breach_within,
    "skills_count_at_least": _skills_count,
}
NUMBERS = {
    "min_confidence",
    "tier",
    "time_in_tier_minutes",
    "waiting_minutes",
    "sla_breach_within_minutes",
    "skills_count_at_least",
}


def validate(when: Any) -> None:
    """Raise ConditionError naming the first bad key of a ``when:`` mapping."""
    if not isinstance(when, Mapping):
        raise ConditionError("", "must be a mapping of condition: value")
    for key, value in when.items():
        if key not in CHECKS:
            raise ConditionError(key, f"unknown condition {key!r} (known: {', '.join(CHECKS)})")
        if key in NUMBERS and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ConditionError(key, f"{key} must be a number, got {value!r}")
        if key == "fields" and not isinstance(value, Mapping):
            raise ConditionError(key, "fields must map a field key to a value")
        if key not in NUMBERS and key != "fields" and not isinstance(value, str | list | int):
            raise ConditionError(key, f"{key} must be a value or a list of values")


def describe(when: Mapping[str, Any]) -> str:
    """The conditions as a trace reads them: "channel in [email], min_confidence 0.8"."""
    parts = []
    for key, value in when.items():
        if isinstance(value, list):
            parts.append(f"{key} in [{', '.join(str(v) for v in value)}]")
        elif isinstance(value, Mapping):
            parts.append(f"{key} {', '.join(f'{k}={v}' for k, v in value.items())}")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts) or "always"


def evaluate(when: Mapping[str, Any], facts: TicketFacts, now: datetime) -> tuple[bool, str]:
    """(all hold, the explanation): the reasons when it matched, the first failure when not."""
    reasons = []
    for key, value in when.items():
        ok, reason = CHECKS[key](facts, value, now)
        if not ok:
            return False, reason
        reasons.append(reason)
    return True, ", ".join(reasons) or "always"
