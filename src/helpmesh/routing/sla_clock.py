"""Pure SLA arithmetic: choose a policy, run, pause and resume metric clocks on a calendar.

A metric's clock keeps ``spent`` (open-hours seconds used before the current run) and
``run_since`` (None while paused), so its due time is ``calendar.add(run_since, target - spent)``
and pausing overnight or on pending costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from helpmesh.routing import conditions
from helpmesh.routing.calendars import BusinessCalendar
from helpmesh.routing.facts import TicketFacts
from helpmesh.routing.spec import SlaSpec

METRICS = ("first_response", "next_response", "resolution")
PAUSING = ("pending", "on_hold")


def select_policy(
    policies: Iterable[SlaSpec], facts: TicketFacts, now: datetime
) -> tuple[SlaSpec | None, str]:
    """The first policy whose conditions hold, and why."""
    for policy in policies:
        matched, why = conditions.evaluate(policy.when, facts, now)
        if matched:
            return policy, f"SLA policy {policy.name!r}: {why}"
    return None, "no SLA policy applies"


def target_minutes(policy: SlaSpec, metric: str) -> int | None:
    value: int | None = getattr(policy, metric)
    return value


@dataclass
class MetricClock:
    target: float  # seconds of open time
    spent: float = 0.0
    run_since: datetime | None = None

    def due(self, calendar: BusinessCalendar) -> datetime | None:
        if self.run_since is None:
            return None
        return calendar.add(self.run_since, max(self.target - self.spent, 0.0))

    def pause(self, calendar: BusinessCalendar, at: datetime) -> None:
        if self.run_since is not None:
            self.spent += calendar.between(self.run_since, at)
            self.run_since = None

    def resume(self, at: datetime) -> None:
        if self.run_since is None:
            self.run_since = at

    def to_json(self) -> dict[str, Any]:
        since = self.run_since.isoformat() if self.run_since else None
        return {"target": self.target, "spent": self.spent, "run_since": since}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MetricClock:
        since = data.get("run_since")
        return cls(
            float(data["target"]),
            float(data.get("spent", 0.0)),
            datetime.fromisoformat(since) if since else None,
        )


def start(policy: SlaSpec, metric: str, at: datetime, paused: bool) -> MetricClock | None:
    """A new clock for ``metric`` from ``at`` (None when the policy sets no target)."""
    minutes = target_minutes(policy, metric)
    if minutes is None:
        return None
    return MetricClock(minutes * 60.0, 0.0, None if paused else at)


def next_check(
    dues: dict[str, datetime | None], warn_before: int, warned: set[str], breached: set[str]
) -> datetime | None:
    """When the sweep should next look: the earliest un-sent warning or breach."""
    moments = []
    for metric, due in dues.items():
        if due is None or metric in breached:
            continue
        moments.append(due if metric in warned else due - timedelta(minutes=warn_before))
    return min(moments, default=None)
