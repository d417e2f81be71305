"""Monitors: HTTP(S) checks the worker runs and heartbeats that jobs send us.

The periodic task claims due monitors with a conditional UPDATE of ``next_check_at`` (the row
moves forward only if nobody moved it first), so several workers never run one check at once.
A result feeds the flapping filter: ``failures_to_open`` failures in a row fire the monitor's
signal (an incident on its component), ``successes_to_resolve`` successes in a row clear it.
"""

from __future__ import annotations

import secrets
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx

from helpmesh.core import audit, clock
from helpmesh.proactive import signals
from helpmesh.proactive.models import CheckResult, Component, Monitor, MonitorKind, Severity
from helpmesh.proactive.services import ProactiveError, hash_token

TIMEOUT_SECONDS = 10.0
BATCH = 200


@dataclass
class Outcome:
    ok: bool
    reason: str = ""
    status_code: int | None = None
    latency_ms: int | None = None


def create_http_monitor(
    name: str,
    component: Component,
    url: str,
    *,
    interval_seconds: int = 60,
    expected_status: int = 200,
    latency_limit_ms: int | None = None,
    body_match: str = "",
    tls_expiry_days: int | None = None,
    failures_to_open: int = 3,
    successes_to_resolve: int = 2,
    actor: object = None,
) -> Monitor:
    """Add an HTTP(S) check of ``url`` every ``interval_seconds``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ProactiveError("url must be http:// or https://", field="url")
    with audit.unit():
        monitor = Monitor.objects.create(
            name=name,
            kind=MonitorKind.HTTP,
            component=component,
            url=url,
            interval_seconds=max(1, interval_seconds),
            expected_status=expected_status,
            latency_limit_ms=latency_limit_ms,
            body_match=body_match,
            tls_expiry_days=tls_expiry_days,
            failures_to_open=max(1, failures_to_open),
            successes_to_resolve=max(1, successes_to_resolve),
            next_check_at=clock.now(),
            created_at=clock.now(),
        )
        audit.record("monitor.created", "monitor", monitor.pk, actor=actor, data={"url": url})
    return monitor


def create_heartbeat_monitor(
    name: str,
    component: Component,
    *,
    period_seconds: int,
    grace_seconds: int = 0,
    actor: object = None,
) -> tuple[Monitor, str]:
    """Add a heartbeat: the job pings within period + grace; returns the monitor and ping token."""
    if period_seconds <= 0:
        raise ProactiveError("period_seconds must be positive", field="period_seconds")
    token = secrets.token_urlsafe(24)
    now = clock.now()
    with audit.unit():
        monitor = Monitor.objects.create(
            name=name,
            kind=MonitorKind.HEARTBEAT,
            component=component,
            heartbeat_token_hash=hash_token(token),
            period_seconds=period_seconds,
            grace_seconds=grace_seconds,
            interval_seconds=max(1, min(period_seconds, 60)),
            failures_to_open=1,
            successes_to_resolve=1,
            last_ping_at=now,  # the period starts now: a new heartbeat is not late at once
            next_check_at=now,
            created_at=now,
        )
        audit.record(
            "monitor.created",
            "monitor",
            monitor.pk,
            actor=actor,
            data={"heartbeat": period_seconds},
        )
    return monitor, token


def ping(token: str) -> Monitor | None:
    """A job says it ran: note the time (None for an unknown token)."""
    monitor = Monitor.objects.filter(
        kind=MonitorKind.HEARTBEAT, heartbeat_token_hash=hash_token(token), is_active=True
    ).first()
    if monitor is None:
        return None
    Monitor.objects.filter(pk=monitor.pk).update(last_ping_at=clock.now())
    monitor.last_ping_at = clock.now()
    return monitor


def claim(monitor: Monitor, now: datetime) -> bool:
    """Move the monitor's next check forward, only if no other worker moved it since we read it."""
    following = now + timedelta(seconds=monitor.interval_seconds)
    won = Monitor.objects.filter(pk=monitor.pk, next_check_at=monitor.next_check_at).update(
        next_check_at=following
    )
    if won:
        monitor.next_check_at = following
    return bool(won)


def claim_due(now: datetime, limit: int = BATCH) -> list[Monitor]:
    """Due monitors this worker won (see ``claim``)."""
    due = Monitor.objects.filter(is_active=True, next_check_at__lte=now).order_by("next_check_at")
    return [m for m in due.select_related("component")[:limit] if claim(m, now)]


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Claim and run every due check once; counts of checks run and failures seen."""
    now = now or clock.now()
    counts = {"checked": 0, "failed": 0}
    for monitor in claim_due(now):
        outcome = check(monitor, now)
        record(monitor, outcome, now)
        counts["checked"] += 1
        counts["failed"] += not outcome.ok
    return counts


def check(monitor: Monitor, now: datetime) -> Outcome:
    """Run one check (no database writes)."""
    if monitor.kind == MonitorKind.HEARTBEAT:
        return check_heartbeat(monitor, now)
    return check_http(monitor, now)


def check_heartbeat(monitor: Monitor, now: datetime) -> Outcome:
    last = monitor.last_ping_at or monitor.created_at
    late = now - last - timedelta(seconds=monitor.period_seconds + monitor.grace_seconds)
    if late > timedelta(0):
        return Outcome(
            False, f"no ping since {last.isoformat()} ({int(late.total_seconds())}s late)"
        )
    return Outcome(True)


def check_http(monitor: Monitor, now: datetime) -> Outcome:
    started = time.monotonic()
    try:
        response = httpx.get(monitor.url, timeout=TIMEOUT_SECONDS, follow_redirects=True)
    except httpx.HTTPError as exc:
        return Outcome(False, f"request failed: {type(exc).__name__}: {exc}"[:300])
    latency = int((time.monotonic() - started) * 1000)
    outcome = Outcome(True, status_code=response.status_code, latency_ms=latency)
    if response.status_code != monitor.expected_status:
        outcome.ok, outcome.reason = (
            False,
            f"status {response.status_code}, expected {monitor.expected_status}",
        )
    elif monitor.latency_limit_ms is not None and latency > monitor.latency_limit_ms:
        outcome.ok, outcome.reason = (
            False,
            f"took {latency} ms, limit {monitor.latency_limit_ms} ms",
        )
    elif monitor.body_match and monitor.body_match not in response.text:
        outcome.ok, outcome.reason = False, f"body does not contain {monitor.body_match!r}"
    elif monitor.tls_expiry_days and monitor.url.startswith("https://"):
        outcome.ok, outcome.reason = _certificate_ok(monitor, now)
    return outcome


def _certificate_ok(monitor: Monitor, now: datetime) -> tuple[bool, str]:
    parts = urlsplit(monitor.url)
    host, port = parts.hostname or "", parts.port or 443
    try:
        context = ssl.create_default_context()
        with (
            socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            not_after = tls.getpeercert()["notAfter"]  # type: ignore[index]
    except (OSError, KeyError, TypeError) as exc:
        return False, f"could not read the certificate: {exc}"[:300]
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(str(not_after)), tz=now.tzinfo)
    left = expires - now
    if left < timedelta(days=monitor.tls_expiry_days or 0):
        return False, f"certificate expires in {left.days} days"
    return True, ""


def record(monitor: Monitor, outcome: Outcome, now: datetime) -> None:
    """Store the result and move the flapping filter; fire or clear the monitor's signal."""
    CheckResult.objects.create(
        monitor=monitor,
        checked_at=now,
        ok=outcome.ok,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        reason=outcome.reason,
    )
    if outcome.ok:
        monitor.consecutive_successes += 1
        monitor.consecutive_failures = 0
    else:
        monitor.consecutive_failures += 1
        monitor.consecutive_successes = 0
    with audit.unit():
        if not monitor.is_failing and monitor.consecutive_failures >= monitor.failures_to_open:
            _start_failing(monitor, outcome)
        elif monitor.is_failing and monitor.consecutive_successes >= monitor.successes_to_resolve:
            _stop_failing(monitor)
        Monitor.objects.filter(pk=monitor.pk).update(
            consecutive_failures=monitor.consecutive_failures,
            consecutive_successes=monitor.consecutive_successes,
            is_failing=monitor.is_failing,
        )


def _start_failing(monitor: Monitor, outcome: Outcome) -> None:
    monitor.is_failing = True
    audit.record("monitor.failing", "monitor", monitor.pk, data={"reason": outcome.reason})
    signals.fire(
        monitor.component,
        f"monitor:{monitor.pk}",
        title=f"{monitor.component.name} is not responding as expected",
        severity=Severity.MAJOR,
        body=f"Our monitoring detected a problem with {monitor.component.name}; "
        "we are investigating.",
        origin=f"monitor:{monitor.pk}",
    )


def _stop_failing(monitor: Monitor) -> None:
    monitor.is_failing = False
    audit.record("monitor.recovered", "monitor", monitor.pk)
    signals.clear(f"monitor:{monitor.pk}", by="monitor")
