"""Business-hours calendars: weekly opening hours and holidays in a region's timezone.

Pure arithmetic over aware datetimes (no database, no clock): SLA timers count only open time,
follow-the-sun asks which region is open. Times are converted through ``zoneinfo`` so a DST change
moves the opening hour with the local wall clock, as customers and agents experience it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS = 800  # a calendar with no open time at all must not loop forever

Span = tuple[int, int]  # minutes since local midnight: [start, end), end may be 1440


def parse_span(text: str) -> Span:
    """``"09:00-17:30"`` -> (540, 1050); raises ValueError with a readable message."""
    try:
        start, end = (part.strip() for part in text.split("-"))
        begin, finish = _minutes(start), _minutes(end)
    except ValueError:
        raise ValueError(f"{text!r} is not a span like '09:00-17:00'") from None
    if not 0 <= begin < finish <= 1440:
        raise ValueError(f"{text!r} must start before it ends, within one day")
    return begin, finish


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    if len(minutes) != 2:
        raise ValueError(hhmm)
    return int(hours) * 60 + int(minutes)


def format_span(span: Span) -> str:
    return f"{span[0] // 60:02d}:{span[0] % 60:02d}-{span[1] // 60:02d}:{span[1] % 60:02d}"


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday (0 = Monday) in ``timezone``, closed on ``holidays``."""

    slug: str
    timezone: str = "UTC"
    hours: dict[int, tuple[Span, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of local ``day`` as UTC datetimes."""
        if day in self.holidays:
            return []
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        return [
            (_utc(midnight, start), _utc(midnight, end))
            for start, end in self.hours.get(day.weekday(), ())
        ]

    def _intervals_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        day = self.local(at).date() - timedelta(days=1)  # an interval may start the day before
        for offset in range(MAX_DAYS):
            for start, end in self.open_intervals(day + timedelta(days=offset)):
                if end > at:
                    yield max(start, at), end

    def is_open(self, at: datetime) -> bool:
        """True when ``at`` falls in opening hours."""
        first = next(self._intervals_from(at), None)
        return first is not None and first[0] <= at

    def next_open(self, at: datetime) -> datetime | None:
        """``at`` itself when open, else the next opening; None when never open."""
        first = next(self._intervals_from(at), None)
        return first[0] if first else None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the current open period ends; None when closed at ``at``."""
        first = next(self._intervals_from(at), None)
        return first[1] if first and first[0] <= at else None

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of open time after ``start``."""
        remaining = max(0.0, seconds)
        for begin, end in self._intervals_from(start):
            available = (end - begin).total_seconds()
            if remaining <= available:
                return begin + timedelta(seconds=remaining)
            remaining -= available
        raise ValueError(f"calendar {self.slug!r} has no open time")

    def between(self, start: datetime, end: datetime) -> float:
        """Seconds of open time from ``start`` to ``end`` (0 when end is earlier)."""
        total = 0.0
        for begin, finish in self._intervals_from(start):
            if begin >= end:
                break
            total += (min(finish, end) - begin).total_seconds()
        return total


def _utc(midnight: datetime, minutes: int) -> datetime:
    # Wall-clock addition: 09:00 local stays 09:00 local across a DST change.
    local = (midnight.replace(tzinfo=None) + timedelta(minutes=minutes)).replace(
        tzinfo=midnight.tzinfo
    )
    return local.astimezone(UTC)


ALWAYS = BusinessCalendar("always", "UTC", {day: ((0, 1440),) for day in range(7)})


def from_config(
    slug: str, timezone: str, hours: dict[str, list[str]], holidays: list[date]
) -> BusinessCalendar:
    """Build a calendar from the stored form (``{"mon": ["09:00-17:00"]}``)."""
    spans = {DAYS.index(day): tuple(parse_span(s) for s in spans) for day, spans in hours.items()}
    return BusinessCalendar(slug, timezone, spans, frozenset(holidays))
