"""What the public status page shows, read in a few queries: components and their state, open
incidents with their timelines, scheduled maintenance, recent history and 90 days of uptime per
component (a strip of days, each with the worst severity seen that day)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.utils.safestring import SafeString, mark_safe

from helpmesh.core import clock
from helpmesh.proactive.models import (
    Component,
    ComponentState,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Severity,
)

DAYS = 90
HISTORY_DAYS = 14
# Only these count as downtime in the uptime figure; a minor incident is degraded service.
DOWN = {Severity.MAJOR, Severity.CRITICAL}
STATE_RANK = {
    ComponentState.OPERATIONAL: 0,
    ComponentState.MAINTENANCE: 1,
    ComponentState.DEGRADED: 2,
    ComponentState.PARTIAL_OUTAGE: 3,
    ComponentState.MAJOR_OUTAGE: 4,
}


@dataclass
class Day:
    day: date
    level: str  # "none" (before the component existed), "ok", "minor", "major", "critical"


@dataclass
class ComponentRow:
    component: Component
    days: list[Day] = field(default_factory=list)
    uptime: float = 100.0
    strip: SafeString = field(default_factory=lambda: SafeString(""))


@dataclass
class Page:
    now: datetime
    overall: str
    components: list[ComponentRow]
    open_incidents: list[Incident]
    maintenance: list[Incident]
    history: list[Incident]


def _incidents(since: datetime) -> list[Incident]:
    updates = Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-created_at", "-id"))
    return list(
        Incident.objects.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=since))
        .prefetch_related("components", updates)
        .order_by("-opened_at", "-id")
    )


def build(now: datetime | None = None) -> Page:
    """Everything the page and /status.json show, as of ``now``."""
    now = now or clock.now()
    first_day = now.date() - timedelta(days=DAYS - 1)
    since = datetime.combine(first_day, time.min, tzinfo=now.tzinfo)
    incidents = _incidents(since)
    started = [i for i in incidents if i.scheduled_for is None or i.scheduled_for <= now]
    components = list(Component.objects.all())
    rows = [_row(c, started, first_day, now) for c in components]
    worst = max((STATE_RANK[ComponentState(c.state)] for c in components), default=0)
    return Page(
        now=now,
        overall=next(s for s, r in STATE_RANK.items() if r == worst),
        components=rows,
        open_incidents=[i for i in started if i.status != IncidentStatus.RESOLVED],
        maintenance=[
            i
            for i in incidents
            if i.status != IncidentStatus.RESOLVED and i.scheduled_for and i.scheduled_for > now
        ],
        history=[
            i
            for i in started
            if i.status == IncidentStatus.RESOLVED
            and i.resolved_at
            and i.resolved_at >= now - timedelta(days=HISTORY_DAYS)
        ],
    )


def _row(
    component: Component, incidents: list[Incident], first_day: date, now: datetime
) -> ComponentRow:
    # Walk incidents, not days: each marks the days it touched; downtime is the union of the
    # major and critical spans inside the window.
    window = max(datetime.combine(first_day, time.min, tzinfo=now.tzinfo), component.created_at)
    levels: dict[date, int] = {}
    spans: list[tuple[datetime, datetime]] = []
    for incident in incidents:
        if not any(c.pk == component.pk for c in incident.components.all()):
            continue
        begin = max(incident.scheduled_for or incident.opened_at, window)
        finish = min(incident.resolved_at or now, now)
        if finish <= begin:
            continue
        rank = LEVELS.index(incident.severity)
        for offset in range((finish.date() - begin.date()).days + 1):
            day = begin.date() + timedelta(days=offset)
            levels[day] = max(levels.get(day, 0), rank)
        if incident.severity in DOWN:
            spans.append((begin, finish))
    row = ComponentRow(component)
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        born = day >= window.date()
        row.days.append(Day(day, LEVELS[levels.get(day, 0)] if born else "none"))
    counted = (now - window).total_seconds()
    if counted > 0:
        row.uptime = round(100 * (1 - _union_seconds(spans) / counted), 2)
    row.strip = _strip(row.days)
    return row


LEVELS = ["ok", "maintenance", "minor", "major", "critical"]


def _strip(days: list[Day]) -> SafeString:
    # Rendered here rather than in a template loop (90 bars per component were most of the
    # page's time). Only our own words go in: a level from LEVELS and a formatted date.
    return mark_safe(  # noqa: S308 - no outside text in these attributes
        "".join(
            f'<li class="bar bar-{d.level}" title="{d.day:%b} {d.day.day}: {d.level}"></li>'
            for d in days
        )
    )


def _union_seconds(spans: list[tuple[datetime, datetime]]) -> float:
    total, reach = 0.0, None
    for begin, finish in sorted(spans):
        if reach is not None and begin < reach:
            begin = reach
        if finish > begin:
            total += (finish - begin).total_seconds()
            reach = finish
    return total
