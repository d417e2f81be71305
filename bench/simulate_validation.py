"""The simulator against queueing theory: M/M/c vs Erlang C, M/M/c+M vs Erlang A (docs/simulate.md).

    .venv/bin/python bench/simulate_validation.py              # figures in docs/benchmarks.md
    .venv/bin/python bench/simulate_validation.py --scale 0.1     # a quick look (wider intervals)

For each utilization from 0.5 to 0.95 (10 agents, mean handle time 60 s), K independent
replications (seeds 1..K) through ``simulate.engine.simulate_mmc``, the same ``Pool`` the full
simulator routes onto. Prints the mean of the replications, its 95 % confidence interval (Student
t over replications) and the relative error against the exact figure from analytics.staffing.
Higher utilizations get longer runs: the queue forgets its past more slowly near saturation.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from scipy.stats import t as student

from helpmesh.analytics import staffing
from helpmesh.simulate.engine import simulate_mmc

AGENTS = 10
HANDLE_S = 60.0
PATIENCE_S = 120.0
# utilization -> customers per replication (Erlang C); near saturation the runs must be longer.
# At low utilization few customers wait at all, so the mean wait needs long runs there too.
WORKLOAD = {0.5: 4_000_000, 0.6: 4_000_000, 0.7: 4_000_000, 0.8: 4_000_000, 0.9: 8_000_000,
            0.95: 20_000_000}  # fmt: skip
ABANDON_CUSTOMERS = 4_000_000  # abandonment keeps the queue short: no longer runs near 0.95


def interval(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    half = student.ppf(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return mean, half


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every run's length")
    args = parser.parse_args()
    k = args.replications
    print(f"M/M/{AGENTS}, handle {HANDLE_S:.0f} s, {k} replications each (mean, 95 % CI)")
    print("model      rho   customers/rep  exact_wait_s  simulated_wait_s        error   other")
    started = time.perf_counter()
    for rho, customers in WORKLOAD.items():
        customers = int(customers * args.scale)
        arrival = rho * AGENTS / HANDLE_S
        exact = staffing.erlang_c(arrival * 3600, HANDLE_S, AGENTS, 0)
        runs = [simulate_mmc(arrival, 1 / HANDLE_S, AGENTS, customers, s) for s in range(1, k + 1)]
        mean, half = interval([r.mean_wait_s for r in runs])
        pw, _ = interval([r.probability_wait for r in runs])
        error = (mean - exact.mean_wait_s) / exact.mean_wait_s
        print(
            f"erlang-c  {rho:4.2f}  {customers:13,d}  {exact.mean_wait_s:12.4f}  "
            f"{mean:9.4f} ± {half:6.4f}  {error:+7.2%}   P(wait) {pw:.4f} vs "
            f"{exact.probability_wait:.4f}"
        )
    for rho in WORKLOAD:
        customers = int(ABANDON_CUSTOMERS * args.scale)
        arrival = rho * AGENTS / HANDLE_S
        exact = staffing.erlang_a(arrival * 3600, HANDLE_S, AGENTS, 0, PATIENCE_S)
        runs = [
            simulate_mmc(arrival, 1 / HANDLE_S, AGENTS, customers, s, patience_s=PATIENCE_S)
            for s in range(1, k + 1)
        ]
        mean, half = interval([r.mean_wait_s for r in runs])
        ab, _ = interval([r.abandon_rate or 0.0 for r in runs])
        error = (mean - exact.mean_wait_s) / exact.mean_wait_s
        print(
            f"erlang-a  {rho:4.2f}  {customers:13,d}  {exact.mean_wait_s:12.4f}  "
            f"{mean:9.4f} ± {half:6.4f}  {error:+7.2%}   abandon {ab:.4f} vs "
            f"{exact.abandon_rate:.4f} (patience {PATIENCE_S:.0f} s)"
        )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
