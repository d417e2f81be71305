"""``helpmesh simulate compare``: the current support model against an alternative, on history.

calibrate (workload.calibrate) -> scenarios (the active model; the alternative from its YAML,
with what-ifs) -> K replications of each on the same arrivals (replay.Replay) -> means with 95 %
confidence intervals (Student t over replications) -> JSON and an HTML report (report.py).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from scipy.stats import t as student

from helpmesh.core import clock
from helpmesh.routing import calendars, snapshots, yaml_io
from helpmesh.routing.facts import AgentState, TeamState
from helpmesh.routing.spec import SlaSpec, model_from_dict
from helpmesh.routing.validation import SpecError
from helpmesh.simulate.replay import Outcome, Replay, Scenario, arrivals
from helpmesh.simulate.workload import Workload, calibrate

METRICS = ("first_response_p50_s", "resolution_p50_s", "sla_attainment", "utilization")
SHARES = ("self_service", "crowd", "staff")
DEFAULT_DAYS = 28
WHAT_IF = re.compile(r"^(?:agents\.(?P<team>[\w-]+)=\+?(?P<n>\d+)|deflection=\+?(?P<pp>[\d.]+)%?)$")
CLONE_BASE = 1_000_000_000  # ids of what-if agents, far above any real user id


class CompareError(ValueError):
    """Bad input; ``field`` names the option (the CLI turns it into ``--flag``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class WhatIf:
    """+N agents in a team (copies of its first member), or deflection +X percentage points."""

    team_agents: tuple[tuple[str, int], ...] = ()
    deflection_points: float = 0.0


def parse_what_ifs(items: list[str]) -> WhatIf:
    """``agents.<team>=+N`` and ``deflection=+X%``; raises CompareError("what_if")."""
    agents: list[tuple[str, int]] = []
    points = 0.0
    for item in items:
        match = WHAT_IF.match(item.strip())
        if not match:
            raise CompareError(
                "what_if", f"{item!r}: expected agents.<team>=+N or deflection=+X% (e.g. +10%)"
            )
        if match["team"]:
            agents.append((match["team"], int(match["n"])))
        else:
            points += float(match["pp"])
    return WhatIf(tuple(agents), points)


def window(from_: str | None, to: str | None) -> tuple[datetime, datetime]:
    """[from 00:00 UTC, to + 1 day 00:00 UTC); by default the last 28 days up to now."""
    now = clock.now()
    try:
        ends = _midnight(date.fromisoformat(to)) + timedelta(days=1) if to else now
    except ValueError:
        raise CompareError("to", f"{to!r} is not a date (YYYY-MM-DD)") from None
    try:
        starts = _midnight(date.fromisoformat(from_)) if from_ else ends - timedelta(DEFAULT_DAYS)
    except ValueError:
        raise CompareError("from", f"{from_!r} is not a date (YYYY-MM-DD)") from None
    if ends <= starts:
        raise CompareError("to", "must not be before --from")
    return starts, ends


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.now().tzinfo)


def alternative(text: str, workload: Workload) -> Scenario:
    """The alternative scenario from a support-model document (``helpmesh model export``
    format), validated like ``model apply --check`` and applied in memory only: its models
    (the active one, else the first), and its calendars, team profiles and SLA policies when
    the document has those sections."""
    try:
        document = yaml_io.load(text)
        yaml_io.validate(document)
    except SpecError as exc:
        raise CompareError("model", f"invalid support model: {exc}") from None
    models = document.get("models") or []
    if not models:
        raise CompareError("model", "the document has no models[] entry")
    chosen = next((m for m in models if m.get("active")), models[0])
    cals = dict(workload.calendars)
    for item in document.get("calendars") or []:
        holidays = [date.fromisoformat(str(h["date"])) for h in item.get("holidays") or []]
        cals[item["slug"]] = calendars.from_config(
            item["slug"], item.get("timezone") or "UTC", item.get("hours") or {}, holidays
        )
    teams = dict(workload.teams)
    for item in document.get("teams") or []:
        if item["team"] in teams:
            teams[item["team"]] = replace(
                teams[item["team"]],
                calendar=cals.get(item.get("calendar") or "") or calendars.ALWAYS,
                region=item.get("region") or "",
                assignment=item.get("assignment") or "round_robin",
                channels=tuple(item.get("channels") or ()),
            )
    slas = workload.sla_policies
    if "sla_policies" in document:
        slas = [_sla(p) for p in document.get("sla_policies") or []]
    return Scenario(
        name=str(chosen["name"]),
        model=model_from_dict(chosen),
        teams=teams,
        agents=dict(workload.agents),
        sla_policies=slas,
        calendars=cals,
        bot_resolved=workload.bot_resolved,
        crowd_solved=workload.crowd_solved,
    )


def _sla(item: dict[str, Any]) -> SlaSpec:
    return SlaSpec(
        name=item["name"],
        when=item.get("when") or {},
        first_response=item.get("first_response_minutes"),
        next_response=item.get("next_response_minutes"),
        resolution=item.get("resolution_minutes"),
        warn_before=item.get("warn_before_minutes", 15),
        calendar=item.get("calendar"),
        on_breach=tuple(item.get("on_breach") or ()),
    )


def current(workload: Workload) -> Scenario:
    """The active support model on the desk as it is."""
    model = snapshots.active_model()
    if model is None:
        raise CompareError("model", "no active support model to compare against")
    return Scenario(
        name=model.name,
        model=model,
        teams=dict(workload.teams),
        agents=dict(workload.agents),
        sla_policies=workload.sla_policies,
        calendars=dict(workload.calendars),
        bot_resolved=workload.bot_resolved,
        crowd_solved=workload.crowd_solved,
    )


def with_what_ifs(scenario: Scenario, what_if: WhatIf) -> Scenario:
    """``scenario`` with the what-ifs applied (team names checked against its teams)."""
    if not what_if.team_agents and not what_if.deflection_points:
        return scenario
    teams, agents = dict(scenario.teams), dict(scenario.agents)
    next_id = CLONE_BASE
    labels = []
    for slug, count in what_if.team_agents:
        team = teams.get(slug)
        if team is None:
            raise CompareError("what_if", f"agents.{slug}: no team {slug!r}")
        model = _model_agent(team, agents)
        added = []
        for _ in range(count):
            next_id += 1
            agents[next_id] = replace(model, id=next_id, name=f"what-if {slug} {next_id}")
            added.append(next_id)
        teams[slug] = replace(team, agent_ids=tuple(sorted((*team.agent_ids, *added))))
        labels.append(f"+{count} agents in {slug}")
    step = what_if.deflection_points / 100.0
    if step:
        labels.append(f"deflection +{what_if.deflection_points:g} pts")
    return replace(
        scenario,
        name=f"{scenario.name} ({', '.join(labels)})",
        teams=teams,
        agents=agents,
        bot_resolved=min(1.0, scenario.bot_resolved + step),
        crowd_solved=min(1.0, scenario.crowd_solved + step),
    )


def _model_agent(team: TeamState, agents: dict[int, AgentState]) -> AgentState:
    """The member new agents copy (skills, capacity, schedule), or a plain one."""
    for agent_id in team.agent_ids:
        if agent_id in agents:
            return replace(agents[agent_id], teams=frozenset({team.slug}))
    return AgentState(id=0, name="what-if", teams=frozenset({team.slug}), presence="online")


@dataclass
class ModelResult:
    name: str
    runs: list[Outcome]

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = {"name": self.name}
        ci: dict[str, Any] = {}
        for metric in METRICS:
            figures[metric], ci[metric] = _interval([getattr(r, metric) for r in self.runs])
        figures["shares"] = {}
        for share in SHARES:
            figures["shares"][share], ci[f"shares.{share}"] = _interval(
                [r.shares[share] for r in self.runs]
            )
        figures["ci95"] = ci
        figures["replications"] = len(self.runs)
        figures["tickets_per_run"] = statistics.fmean(r.tickets for r in self.runs)
        figures["unanswered_per_run"] = statistics.fmean(r.unanswered for r in self.runs)
        figures["decisions"] = sum(r.decisions for r in self.runs)
        return figures


def _interval(values: list[float]) -> tuple[float, list[float]]:
    """Mean and its 95 % confidence interval over replications (Student t)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, [mean, mean]
    spread = statistics.stdev(values) / math.sqrt(len(values))
    half = float(student.ppf(0.975, len(values) - 1)) * spread
    return mean, [mean - half, mean + half]


def run(
    workload: Workload,
    scenarios: list[Scenario],
    replications: int,
    *,
    seed: int = 1,
    tick: Callable[[int], None] | None = None,
) -> list[ModelResult]:
    """Every scenario over the same ``replications`` arrival streams (seeds seed..seed+K-1)."""
    results = [ModelResult(s.name, []) for s in scenarios]
    for k in range(replications):
        stream = arrivals(workload, seed + k)
        for scenario, result in zip(scenarios, results, strict=True):
            result.runs.append(Replay(workload, scenario, stream).run(tick))
    return results


def expected_arrivals(workload: Workload) -> int:
    """Arrivals one replication is expected to draw (for a progress bar's total)."""
    return workload.tickets


def prepare(
    model_text: str, from_: str | None, to: str | None, what_ifs: list[str]
) -> tuple[Workload, list[Scenario]]:
    """Calibrate the window and build [current, alternative (+ what-ifs)]."""
    what_if = parse_what_ifs(what_ifs)
    starts, ends = window(from_, to)
    workload = calibrate(starts, ends)
    if workload.tickets == 0:
        raise CompareError("from", f"no tickets between {starts:%Y-%m-%d} and {ends:%Y-%m-%d}")
    return workload, [current(workload), with_what_ifs(alternative(model_text, workload), what_if)]
