"""The discrete-event core every simulation runs on.

Two pieces, both on ``heapq``:

- ``Pool``: servers taking work first come, first served. It keeps the moments its servers
  become free on a heap; a job arriving at ``t`` goes to the server free soonest and starts at
  ``max(t, free)`` (the Kiefer-Wolfowitz recursion). With arrivals offered in time order this is
  exactly an FCFS multi-server queue, at one heap operation per job.
- ``Timeline``: future events (a ticket finished, an agent's load going down) on a heap, played
  up to each arrival, so state read at an arrival (the routing ``World``) is the state then.

``simulate_mmc`` is the M/M/c validation workload on a ``Pool`` (the specialised fast path: no
routing, one pool); ``simulate.replay`` drives the same ``Pool`` and ``Timeline`` with routing
decisions from ``routing.policies.decide``.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Pool:
    """``servers`` servers serving jobs first come, first served (offer jobs in arrival order)."""

    __slots__ = ("busy_s", "free_at")

    def __init__(self, servers: int, start: float = 0.0) -> None:
        if servers < 1:
            raise ValueError("a pool needs at least one server")
        self.free_at = [start] * servers  # a heap: when each server is next free
        self.busy_s = 0.0

    def serve(self, arrival: float, service: float) -> float:
        """Give a job arriving at ``arrival`` needing ``service`` seconds to the server free
        soonest; returns when its service starts."""
        start = self.free_at[0]
        if start < arrival:
            start = arrival
        heapq.heapreplace(self.free_at, start + service)
        self.busy_s += service
        return start

    def offer(self, arrival: float, service: float, patience: float) -> float | None:
        """Like ``serve``, for a customer who leaves after waiting ``patience`` seconds:
        returns None (and takes no server time) when the wait would be longer. Exact for FCFS,
        since a customer's wait depends only on those who came before."""
        start = self.free_at[0]
        if start < arrival:
            start = arrival
        elif start - arrival > patience:
            return None
        heapq.heapreplace(self.free_at, start + service)
        self.busy_s += service
        return start

    def next_free(self) -> float:
        return self.free_at[0]


class Timeline:
    """Future events in time order; ``play_until(t)`` runs those due by ``t``."""

    __slots__ = ("_seq", "events")

    def __init__(self) -> None:
        self.events: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = 0  # ties keep insertion order (no comparing callables)

    def at(self, moment: float, action: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self.events, (moment, self._seq, action))

    def play_until(self, moment: float) -> None:
        events = self.events
        while events and events[0][0] <= moment:
            heapq.heappop(events)[2]()


@dataclass(frozen=True)
class MmcResult:
    mean_wait_s: float
    probability_wait: float
    customers: int
    customers_per_second: float
    abandon_rate: float | None = None

    def as_dict(self) -> dict[str, Any]:
        figures = {
            "mean_wait_s": self.mean_wait_s,
            "probability_wait": self.probability_wait,
            "customers": self.customers,
            "customers_per_second": self.customers_per_second,
        }
        if self.abandon_rate is not None:
            figures["abandon_rate"] = self.abandon_rate
        return figures


def simulate_mmc(
    arrival_rate: float,
    service_rate: float,
    agents: int,
    customers: int,
    seed: int,
    *,
    warmup: int | None = None,
    patience_s: float | None = None,
) -> MmcResult:
    """Simulate an M/M/c queue (rates per second, FCFS) for ``customers`` customers.

    The first ``warmup`` customers (default: 1 %, at most 10,000) only fill the system from
    empty and are left out of the averages, so a long run estimates the steady state Erlang C
    describes. ``customers_per_second`` is simulated customers per second of wall-clock time.

    With ``patience_s`` (M/M/c+M, Erlang A) each customer gives up after an exponential patience
    of that mean; ``mean_wait_s`` then averages every arrival's time in queue, the abandoning
    ones' included (the time they waited before leaving), as Erlang A defines it.
    """
    if patience_s is not None:
        return _simulate_mmc_abandon(
            arrival_rate, service_rate, agents, customers, seed, warmup, patience_s
        )
    _check_mmc(arrival_rate, service_rate, agents, customers)
    skip = min(10_000, customers // 100) if warmup is None else warmup
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
    expo = rng.expovariate
    pool = Pool(agents)
    serve = pool.serve
    started = time.perf_counter()
    clock = 0.0
    for _ in range(skip):
        clock += expo(arrival_rate)
        serve(clock, expo(service_rate))
    total_wait = 0.0
    waited = 0
    counted = customers - skip
    for _ in range(counted):
        clock += expo(arrival_rate)
        wait = serve(clock, expo(service_rate)) - clock
        if wait > 0.0:
            total_wait += wait
            waited += 1
    return _result(total_wait, waited, counted, customers, started)


def _simulate_mmc_abandon(
    arrival_rate: float,
    service_rate: float,
    agents: int,
    customers: int,
    seed: int,
    warmup: int | None,
    patience_s: float,
) -> MmcResult:
    if not (math.isfinite(patience_s) and patience_s > 0):
        raise SimulationError("patience", "must be a number of seconds > 0")
    _check_mmc(arrival_rate, service_rate, agents, customers, stable=False)
    skip = min(10_000, customers // 100) if warmup is None else warmup
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
    expo = rng.expovariate
    give_up = 1.0 / patience_s
    pool = Pool(agents)
    offer = pool.offer
    started = time.perf_counter()
    clock = 0.0
    total_wait = 0.0
    waited = abandoned = 0
    counted = customers - skip
    for n in range(customers):
        clock += expo(arrival_rate)
        patience = expo(give_up)
        start = offer(clock, expo(service_rate), patience)
        if n < skip:
            continue
        if start is None:
            abandoned += 1
            waited += 1
            total_wait += patience
        elif start > clock:
            waited += 1
            total_wait += start - clock
    return _result(total_wait, waited, counted, customers, started, abandoned)


def _result(
    total_wait: float,
    waited: int,
    counted: int,
    customers: int,
    started: float,
    abandoned: int | None = None,
) -> MmcResult:
    elapsed = time.perf_counter() - started
    share = (lambda n: n / counted) if counted else (lambda n: 0.0)
    return MmcResult(
        mean_wait_s=share(total_wait),
        probability_wait=share(waited),
        customers=customers,
        customers_per_second=customers / elapsed if elapsed > 0 else math.inf,
        abandon_rate=None if abandoned is None else share(abandoned),
    )


def _check_mmc(
    arrival_rate: float, service_rate: float, agents: int, customers: int, *, stable: bool = True
) -> None:
    if not (math.isfinite(arrival_rate) and arrival_rate > 0):
        raise SimulationError("arrival_rate", "must be a number > 0 (customers per second)")
    if not (math.isfinite(service_rate) and service_rate > 0):
        raise SimulationError("service_rate", "must be a number > 0 (services per second)")
    if agents < 1:
        raise SimulationError("agents", "must be a whole number ≥ 1")
    if customers < 1:
        raise SimulationError("customers", "must be a whole number ≥ 1")
    if stable and arrival_rate >= agents * service_rate:
        raise SimulationError(
            "agents",
            f"{agents} agents serving {service_rate:g}/s cannot keep up with {arrival_rate:g}/s "
            "arrivals; the queue would grow without end",
        )


class SimulationError(ValueError):
    """Bad input; ``field`` names the parameter (the CLI turns it into ``--flag``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
