"""Simulated tickets per second of ``simulate compare``'s replay on the configured database.

    HELPMESH_HOME=... .venv/bin/python bench/simulate_replay.py --model ALT.yaml [--replications K]

Calibrates the last 28 days (``simulate.compare.prepare``), then times the replays alone
(every decision through routing.policies.decide): tickets and decisions per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")


def main() -> None:
    import django

    django.setup()
    from helpmesh.simulate import compare

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--replications", type=int, default=10)
    args = parser.parse_args()
    text = Path(args.model).read_text(encoding="utf-8")
    started = time.perf_counter()
    workload, scenarios = compare.prepare(text, None, None, [])
    print(f"calibrated {workload.tickets} tickets in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    results = compare.run(workload, scenarios, args.replications)
    elapsed = time.perf_counter() - started
    tickets = sum(r.tickets for m in results for r in m.runs)
    decisions = sum(r.decisions for m in results for r in m.runs)
    rates = f"{tickets / elapsed:,.0f} tickets/s, {decisions / elapsed:,.0f} decisions/s"
    print(f"{tickets} simulated tickets, {decisions} decisions in {elapsed:.2f} s: {rates}")


if __name__ == "__main__":
    main()
