"""Periodic work: the worker enqueues each task named in HELPMESH_PERIODIC_TASKS on its period.

django.tasks has no scheduler, and a cron line per sweep is one more thing to set up, so
``helpmesh worker`` (and the demo's embedded worker) run this loop in a thread. It only enqueues;
the tasks themselves claim their rows atomically (SLA sweeps, mailbox locks), so two workers
that both schedule never do the same work twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class Scheduler:
    """Which periodic tasks are due; times are ``time.monotonic`` seconds (injectable)."""

    def __init__(
        self, periods: dict[str, float], now: Callable[[], float] = time.monotonic
    ) -> None:
        self.periods = periods
        self.now = now
        self.next_run = dict.fromkeys(periods, now())  # everything runs once at start

    def due(self) -> list[str]:
        """The task paths due now; each is then scheduled one period later."""
        now = self.now()
        ready = [path for path, at in self.next_run.items() if at <= now]
        for path in ready:
            self.next_run[path] = now + self.periods[path]
        return ready

    def tick(self) -> list[str]:
        """Enqueue every due task; a task that fails to enqueue is logged, not fatal."""
        ready = self.due()
        for path in ready:
            try:
                import_string(path).enqueue()
            except Exception:
                log.exception("could not enqueue periodic task %s", path)
        return ready


def from_settings() -> Scheduler:
    """The scheduler for HELPMESH_PERIODIC_TASKS ({task path: seconds})."""
    return Scheduler(dict(getattr(settings, "HELPMESH_PERIODIC_TASKS", {})))


def start_in_thread(stop: threading.Event | None = None) -> threading.Thread:
    """Tick once a second in a daemon thread until ``stop`` is set."""
    scheduler, stop = from_settings(), stop or threading.Event()

    def loop() -> None:
        while not stop.wait(1.0):
            scheduler.tick()

    scheduler.tick()
    thread = threading.Thread(target=loop, name="helpmesh-scheduler", daemon=True)
    thread.start()
    return thread
