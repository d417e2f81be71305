"""Simulated customers per second on the M/M/c workload: helpmesh's engine, simpy and ciw.

    .venv/bin/python bench/simulate_speed.py            # helpmesh only (simpy/ciw not installed)
    python3 -m venv /tmp/simvenv && /tmp/simvenv/bin/pip install simpy ciw
    /tmp/simvenv/bin/python bench/simulate_speed.py     # all three, side by side

simpy and ciw are not project dependencies: install them into a throwaway virtualenv (the
engine needs only the standard library, so that interpreter runs it too). Same model for all:
M/M/10 at utilization 0.9 (arrivals 0.9/s, mean service 10 s), first come first served,
the mean wait measured; best of three runs each, on one core.
"""

from __future__ import annotations

import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from helpmesh.simulate.engine import simulate_mmc

ARRIVAL, SERVICE, AGENTS = 0.9, 0.1, 10


def helpmesh(customers: int) -> tuple[float, float]:
    started = time.perf_counter()
    result = simulate_mmc(ARRIVAL, SERVICE, AGENTS, customers, 1, warmup=0)
    return result.mean_wait_s, time.perf_counter() - started


def simpy_run(customers: int) -> tuple[float, float]:
    import simpy

    rng = random.Random(1)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=AGENTS)
    waits: list[float] = []

    def customer(env: simpy.Environment):  # type: ignore[no-untyped-def]
        arrived = env.now
        with desk.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(SERVICE))

    def source(env: simpy.Environment):  # type: ignore[no-untyped-def]
        for _ in range(customers):
            yield env.timeout(rng.expovariate(ARRIVAL))
            env.process(customer(env))

    started = time.perf_counter()
    env.process(source(env))
    env.run()
    return sum(waits) / len(waits), time.perf_counter() - started


def ciw_run(customers: int) -> tuple[float, float]:
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(ARRIVAL)],
        service_distributions=[ciw.dists.Exponential(SERVICE)],
        number_of_servers=[AGENTS],
    )
    ciw.seed(1)
    started = time.perf_counter()
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(customers, method="Finish")
    waits = [r.waiting_time for r in sim.get_all_records()]
    return sum(waits) / len(waits), time.perf_counter() - started


def measure(name: str, run, customers: int) -> None:  # type: ignore[no-untyped-def]
    best = min((run(customers) for _ in range(3)), key=lambda r: r[1])
    print(f"{name:9s} {customers:10,d} customers  {customers / best[1]:12,.0f}/s  "
          f"mean wait {best[0]:.3f} s")  # fmt: skip


def main() -> None:
    print(f"M/M/{AGENTS}, utilization {ARRIVAL / (AGENTS * SERVICE):.2f}, {sys.version.split()[0]}")
    measure("helpmesh", helpmesh, 2_000_000)
    for name, run, customers in (("simpy", simpy_run, 200_000), ("ciw", ciw_run, 50_000)):
        try:
            measure(name, run, customers)
        except ImportError:
            print(f"{name:9s} not installed here (see the docstring)")


if __name__ == "__main__":
    main()
