"""The one clock. Everything that asks "what time is it?" asks here, so tests can move time.

SLA timers, business hours, follow-the-sun hand-offs and the simulator read ``now()``; tests wrap
code in ``frozen(at)`` and ``advance(delta)`` instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_local = threading.local()


def now() -> datetime:
    """The current time, timezone-aware UTC (or the frozen time inside ``frozen``)."""
    frozen_at: datetime | None = getattr(_local, "frozen_at", None)
    return frozen_at if frozen_at is not None else datetime.now(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Hold the clock at ``at`` for the current thread until the block ends."""
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous = getattr(_local, "frozen_at", None)
    _local.frozen_at = at
    try:
        yield
    finally:
        _local.frozen_at = previous


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward; returns the new time."""
    current: datetime | None = getattr(_local, "frozen_at", None)
    if current is None:
        raise RuntimeError("advance() only works inside clock.frozen()")
    _local.frozen_at = current + delta
    return _local.frozen_at
