"""Monitors against a real local HTTP endpoint: what counts as a failure, flapping suppressed,
atomic claims, heartbeats, and the worker's periodic task."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from helpmesh.core import clock
from helpmesh.proactive import monitors, tasks
from helpmesh.proactive.models import CheckResult, Incident, IncidentStatus, Monitor


def _http(shop, endpoint, **kw):
    return monitors.create_http_monitor("api health", shop.api, endpoint.url, **kw)


def _tick(seconds: int = 60) -> dict[str, int]:
    clock.advance(timedelta(seconds=seconds))
    return monitors.run_due()


def test_status_body_and_latency_failures_are_named(shop, endpoint):
    monitor = _http(shop, endpoint, body_match="all good", latency_limit_ms=150)
    now = clock.now()
    assert monitors.check(monitor, now).ok
    endpoint.fail(503)
    assert monitors.check(monitor, now).reason == "status 503, expected 200"
    endpoint.fail(200, "maintenance page")
    assert monitors.check(monitor, now).reason == "body does not contain 'all good'"
    endpoint.recover()
    endpoint.delay = 0.3
    slow = monitors.check(monitor, now)
    assert not slow.ok and slow.reason.startswith("took ") and slow.latency_ms >= 300
    endpoint.close()
    assert monitors.check(monitor, now).reason.startswith("request failed: ConnectError")


def test_flapping_is_suppressed_both_ways(shop, endpoint):
    _http(shop, endpoint, failures_to_open=3, successes_to_resolve=2)
    endpoint.fail()
    _tick(), _tick()
    endpoint.recover()
    _tick()
    endpoint.fail()
    _tick(), _tick()
    assert not Incident.objects.exists()  # never three failures in a row
    _tick()
    incident = Incident.objects.get()
    assert incident.status == IncidentStatus.INVESTIGATING
    endpoint.recover()
    _tick()
    endpoint.fail()
    _tick()
    endpoint.recover()
    _tick()
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.RESOLVED  # one success between failures
    _tick()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert CheckResult.objects.count() == 10


def test_a_monitor_is_checked_once_per_interval_and_claimed_by_one_worker(shop, endpoint):
    monitor = _http(shop, endpoint, interval_seconds=60)
    assert monitors.run_due() == {"checked": 1, "failed": 0}
    assert monitors.run_due() == {"checked": 0, "failed": 0}  # not due again yet
    clock.advance(timedelta(seconds=60))
    # Two workers read the due row; the first claim wins, the second's conditional update
    # finds next_check_at moved and claims nothing.
    seen_by_a = Monitor.objects.get(pk=monitor.pk)
    seen_by_b = Monitor.objects.get(pk=monitor.pk)
    assert monitors.claim(seen_by_a, clock.now())
    assert not monitors.claim(seen_by_b, clock.now())
    assert monitors.claim_due(clock.now()) == []
    assert endpoint.hits == 1


def test_a_silent_heartbeat_opens_an_incident_and_a_ping_clears_it(shop, client):
    monitor, token = monitors.create_heartbeat_monitor(
        "nightly export", shop.api, period_seconds=3600, grace_seconds=600
    )
    clock.advance(timedelta(minutes=65))
    monitors.run_due()
    assert not Incident.objects.exists()  # within the grace
    clock.advance(timedelta(minutes=10))
    monitors.run_due()
    incident = Incident.objects.get()
    assert f"monitor:{monitor.pk}" in incident.firing
    assert CheckResult.objects.filter(ok=False).first().reason.startswith("no ping since")
    assert client.post(f"/api/v1/proactive/heartbeats/{token}").status_code == 200
    clock.advance(timedelta(minutes=1))
    monitors.run_due()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED


def test_the_worker_runs_monitors_periodically(shop, endpoint):
    assert "helpmesh.proactive.tasks.run_monitors" in settings.HELPMESH_PERIODIC_TASKS
    _http(shop, endpoint)
    result = tasks.run_monitors.enqueue()
    assert result.return_value == {"checked": 1, "failed": 0}
