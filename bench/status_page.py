"""The public status page (/status) and /status.json, rendered through Django's test client.

    .venv/bin/python bench/status_page.py [--components 8] [--incidents 60] [--renders 300]

Builds, in a throwaway SQLite home (the embedded default), ``--components`` components and
``--incidents`` incidents spread over the last 90 days (each with three updates, most resolved
after one to six hours, two still open, one scheduled maintenance), all through
``proactive.services``. Then renders /status and /status.json ``--renders`` times each after 10
warm-ups and prints p50/p95 and the queries per render. Target (issue 13): p50 under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=8)
    parser.add_argument("--incidents", type=int, default=60)
    parser.add_argument("--renders", type=int, default=300)
    args = parser.parse_args()
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-status-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    os.environ["HELPMESH_TASKS_IMMEDIATE"] = "1"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _build(args.components, args.incidents)
    for path in ("/status", "/status.json"):
        _measure(path, args.renders)
    return 0


def _build(components: int, incidents: int) -> None:
    from helpmesh.core import clock
    from helpmesh.proactive import services
    from helpmesh.proactive.models import Severity

    rng = random.Random(13)
    with clock.frozen(NOW - timedelta(days=120)):
        parts = [services.create_component(f"Component {i}") for i in range(components)]
    severities = [Severity.MINOR, Severity.MAJOR, Severity.CRITICAL]
    for n in range(incidents):
        opened = NOW - timedelta(days=rng.uniform(0.5, 89), hours=rng.uniform(0, 23))
        with clock.frozen(opened):
            incident = services.open_incident(
                services.NewIncident(
                    title=f"Incident {n}",
                    severity=rng.choice(severities),
                    components=rng.sample(parts, k=rng.randint(1, 2)),
                    body="We are investigating elevated errors.",
                )
            )
            clock.advance(timedelta(minutes=20))
            services.post_update(incident, "Cause identified; fixing.", status="identified")
            if n >= 2:  # the first two stay open
                clock.advance(timedelta(hours=rng.uniform(1, 6)))
                services.resolve_incident(incident, body="Resolved.")
    with clock.frozen(NOW):
        services.open_incident(
            services.NewIncident(
                title="Database upgrade",
                severity=Severity.MAINTENANCE,
                components=parts[:1],
                scheduled_for=NOW + timedelta(days=3),
                scheduled_until=NOW + timedelta(days=3, hours=1),
            )
        )


def _measure(path: str, renders: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for _ in range(10):
        assert client.get(path).status_code == 200
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{path}, {renders} renders: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, {len(queries.captured_queries)} queries"
    )


if __name__ == "__main__":
    sys.exit(main())
