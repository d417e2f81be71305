"""Staffing by queueing theory: Erlang C (callers wait forever) and Erlang A (callers give up).

Pure functions of rates and times, no database: the CLI (``helpmesh staffing``), the simulator's
validation and, later, the dashboards call them with arrivals and handle times measured in
history or typed by hand.

Numerics. Erlang C is computed from the Erlang B recursion ``B(k) = a·B(k-1) / (k + a·B(k-1))``,
which never forms ``a^N / N!`` and so stays exact for thousands of agents. Erlang A (M/M/N+M) is
solved as its birth-death chain in log space, truncated where the tail is below 1e-15.

Definitions (one each):

- ``probability_wait``: the share of arrivals that find every agent busy (so they wait).
- ``mean_wait_s``: the mean wait in queue over *all* arrivals (zero waits included); for
  Erlang A, over all arrivals including those who abandon (Little's law: E[queue] / λ).
- ``service_level``: the share of arrivals answered within ``answer_within`` seconds; with
  abandonment, a caller who hangs up is not answered.
- ``occupancy``: the share of agent time spent serving (offered load ÷ agents; for Erlang A the
  load actually served, after abandonment).
- ``abandon_rate``: the share of arrivals who give up before an agent answers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

MAX_AGENTS = 100_000  # a search for a target service level gives up beyond this


class StaffingError(ValueError):
    """Bad input; ``field`` names the parameter (the CLI turns it into ``--flag``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Staffing:
    """The figures for one staffing level (``abandon_rate`` only for Erlang A)."""

    agents: int
    probability_wait: float
    mean_wait_s: float
    service_level: float
    occupancy: float
    abandon_rate: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def offered_load(calls_per_hour: float, handle_time_s: float) -> float:
    """Offered load in Erlangs: arrivals per second times mean handle time."""
    return calls_per_hour / 3600.0 * handle_time_s


def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of M/M/N/N by the stable recursion (no factorials)."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(
    calls_per_hour: float, handle_time_s: float, agents: int, answer_within_s: float
) -> Staffing:
    """Erlang C (M/M/N, infinite patience) for ``agents`` agents.

    Raises StaffingError("agents") when the agents cannot keep up (load ≥ agents): the queue
    then grows without bound and no finite figures exist.
    """
    _check_rates(calls_per_hour, handle_time_s, answer_within_s)
    _check_agents(agents)
    load = offered_load(calls_per_hour, handle_time_s)
    if load >= agents:
        raise StaffingError(
            "agents",
            f"{agents} agents cannot keep up with an offered load of {load:.3f} Erlangs; "
            f"more than {math.floor(load)} are needed",
        )
    return _erlang_c(load, handle_time_s, agents, answer_within_s)


def _erlang_c(load: float, handle_time_s: float, agents: int, within: float) -> Staffing:
    if load == 0:
        return Staffing(agents, 0.0, 0.0, 1.0, 0.0)
    blocking = erlang_b(load, agents)
    wait = agents * blocking / (agents - load * (1.0 - blocking))
    spare = agents - load
    return Staffing(
        agents=agents,
        probability_wait=wait,
        mean_wait_s=wait * handle_time_s / spare,
        service_level=1.0 - wait * math.exp(-spare * within / handle_time_s),
        occupancy=load / agents,
    )


def erlang_c_agents(
    calls_per_hour: float, handle_time_s: float, answer_within_s: float, target: float
) -> Staffing:
    """The fewest agents whose Erlang C service level reaches ``target`` (0 < target < 1)."""
    _check_rates(calls_per_hour, handle_time_s, answer_within_s)
    _check_target(target)
    load = offered_load(calls_per_hour, handle_time_s)
    agents = max(1, math.floor(load) + 1)
    while agents <= MAX_AGENTS:
        result = _erlang_c(load, handle_time_s, agents, answer_within_s)
        if result.service_level >= target:
            return result
        agents += 1
    raise StaffingError("target_service_level", f"not reachable with {MAX_AGENTS} agents")


def erlang_a(
    calls_per_hour: float,
    handle_time_s: float,
    agents: int,
    answer_within_s: float,
    patience_s: float,
) -> Staffing:
    """Erlang A (M/M/N+M): callers abandon after an exponential patience of mean ``patience_s``.

    Stable for any number of agents (the impatient leave), so any ``agents`` ≥ 1 has figures.
    """
    _check_rates(calls_per_hour, handle_time_s, answer_within_s)
    _check_agents(agents)
    _check_positive("patience", patience_s)
    return _erlang_a(calls_per_hour / 3600.0, handle_time_s, agents, answer_within_s, patience_s)


def erlang_a_agents(
    calls_per_hour: float,
    handle_time_s: float,
    answer_within_s: float,
    patience_s: float,
    target: float,
) -> Staffing:
    """The fewest agents whose Erlang A service level reaches ``target`` (0 < target < 1)."""
    _check_rates(calls_per_hour, handle_time_s, answer_within_s)
    _check_positive("patience", patience_s)
    _check_target(target)
    rate = calls_per_hour / 3600.0

    def level(agents: int) -> Staffing:
        return _erlang_a(rate, handle_time_s, agents, answer_within_s, patience_s)

    # The service level rises with every agent added: double until it is met, then bisect.
    high = 1
    while level(high).service_level < target:
        if high >= MAX_AGENTS:
            raise StaffingError("target_service_level", f"not reachable with {MAX_AGENTS} agents")
        high = min(MAX_AGENTS, high * 2)
    low = high // 2  # fails the target (or 0)
    while high - low > 1:
        middle = (low + high) // 2
        if level(middle).service_level >= target:
            high = middle
        else:
            low = middle
    return level(high)


def _erlang_a(
    rate: float, handle_time_s: float, agents: int, within: float, patience_s: float
) -> Staffing:
    if rate == 0:
        return Staffing(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    mu, theta = 1.0 / handle_time_s, 1.0 / patience_s
    probs = np.array(_birth_death(rate, mu, theta, agents))
    queued = np.arange(len(probs)) - agents  # callers waiting in each state (negative: none)
    queue_len = float(np.sum(probs[agents + 1 :] * queued[agents + 1 :]))
    abandoned = theta * queue_len / rate
    waiting = float(np.sum(probs[agents:]))
    # An arrival in state n finds n - agents callers ahead of it.
    answered = _answered_within(len(probs) - agents, agents * mu, theta, within)
    answered_late = float(np.sum(probs[agents:] * answered))
    return Staffing(
        agents=agents,
        probability_wait=waiting,
        mean_wait_s=queue_len / rate,
        service_level=min(1.0, (1.0 - waiting) + answered_late),
        occupancy=rate * (1.0 - abandoned) * handle_time_s / agents,
        abandon_rate=abandoned,
    )


def _birth_death(rate: float, mu: float, theta: float, agents: int) -> list[float]:
    """Stationary probabilities of the M/M/N+M chain (state = callers in the system)."""
    logs = [0.0]
    peak = 0.0
    n = 0
    while True:
        n += 1
        death = min(n, agents) * mu + max(0, n - agents) * theta
        logs.append(logs[-1] + math.log(rate) - math.log(death))
        peak = max(peak, logs[-1])
        # Past the peak (deaths outpace arrivals), stop once a state is negligible (e^-36).
        if n > agents and rate < death and logs[-1] < peak - 36.0:
            break
    weights = np.exp(np.array(logs) - peak)
    return list(weights / weights.sum())


def _answered_within(states: int, service: float, theta: float, within: float) -> np.ndarray:
    """For a caller finding ``k`` callers ahead (k = 0..states-1): P(answered within ``within``).

    With ``j`` callers ahead the queue moves at ``service + j·θ`` (an agent frees up, or one
    ahead gives up) while the caller's own patience runs at θ. Answered at all with probability
    ``service / (service + (k+1)·θ)`` (the stage odds telescope); the time to an answer,
    given one, is a sum of exponentials of rates ``service + (j+1)·θ``, j = k..0, whose
    distribution function is computed for every k at once by uniformization (stable).
    """
    ks = np.arange(states)
    reach = service / (service + (ks + 1) * theta)
    if within <= 0:
        return np.zeros(states)
    stage = service + (ks + 1) * theta  # rate out of "k ahead" for a caller who stays
    top = float(stage[-1])
    step = stage / top
    mean = top * within
    ticks = int(mean + 12 * math.sqrt(mean) + 30)
    done = np.zeros(states)  # P(answered within m uniformized ticks | k ahead)
    cdf = np.zeros(states)
    log_poisson = -mean
    for m in range(ticks + 1):
        cdf += math.exp(log_poisson) * done
        ahead_done = np.concatenate(([1.0], done[:-1]))
        done = step * ahead_done + (1 - step) * done
        log_poisson += math.log(mean) - math.log(m + 1)
    return reach * np.minimum(cdf, 1.0)


def _check_rates(calls_per_hour: float, handle_time_s: float, answer_within_s: float) -> None:
    if not math.isfinite(calls_per_hour) or calls_per_hour < 0:
        raise StaffingError("calls_per_hour", "must be a number ≥ 0")
    _check_positive("handle_time", handle_time_s)
    if not math.isfinite(answer_within_s) or answer_within_s < 0:
        raise StaffingError("answer_within", "must be a number of seconds ≥ 0")


def _check_positive(field: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise StaffingError(field, "must be a number of seconds > 0")


def _check_agents(agents: int) -> None:
    if agents < 1:
        raise StaffingError("agents", "must be a whole number ≥ 1")


def _check_target(target: float) -> None:
    if not 0 < target < 1:
        raise StaffingError("target_service_level", "must be between 0 and 1 (e.g. 0.8)")
