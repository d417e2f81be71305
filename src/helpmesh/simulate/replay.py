"""Replay a calibrated workload under a support model, deciding with production's policy code.

Every routing decision is ``routing.policies.decide(model, facts, world, now)`` on a
``TicketFacts`` and ``World`` built from the simulated state (docs/adr/0009): the same code, the
same assignment rules (presence, schedules, capacity, round robin / least loaded), the same
holds by the bot and the crowd. The engine (``simulate.engine``) supplies the event timeline
and the agents' work slots.

What the simulation assumes (docs/simulate.md):

- a ticket is answered when an agent takes it (first response = assignment), and solved a
  handling time later (sampled from its team's history: first response to solved);
- an agent takes new tickets while under capacity for the channel and inside their schedule
  (their own, else their first team's calendar); every simulated agent is "online";
- the bot resolves a ticket on its channels with the calibrated probability (else it hands
  off), the crowd solves a question on its channels likewise (else the time box ends and the
  ticket goes to staff);
- a ticket nobody can take waits first come, first served in its team's queue, re-decided when
  an agent of the team frees a slot and on a sweep every five simulated minutes;
- "manual" teams: the simulated team pulls for itself (its least loaded available member).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from helpmesh.routing import assignment, policies
from helpmesh.routing.calendars import ALWAYS, BusinessCalendar
from helpmesh.routing.facts import AgentState, Decision, TeamState, TicketFacts, World
from helpmesh.routing.policies import community as community_layer
from helpmesh.routing.policies import self_service as bot_layer
from helpmesh.routing.sla_clock import select_policy
from helpmesh.routing.spec import ModelSpec, SlaSpec
from helpmesh.simulate.engine import Pool, Timeline
from helpmesh.simulate.workload import Template, Workload

SWEEP_S = 300.0  # waiting tickets are re-decided this often (production sweeps every minute)
DRAIN_S = 14 * 86400.0  # after the last arrival, run on this long for the backlog to clear
SELF_SERVICE, CROWD, STAFF = "self_service", "crowd", "staff"


@dataclass
class Scenario:
    """A support model and the desk it runs on (what-ifs change these, not the history)."""

    name: str
    model: ModelSpec
    teams: dict[str, TeamState]
    agents: dict[int, AgentState]
    sla_policies: list[SlaSpec]
    calendars: dict[str, BusinessCalendar]
    bot_resolved: float
    crowd_solved: float


@dataclass(frozen=True)
class Arrival:
    """One simulated ticket's draws, shared by every scenario of a replication (common random
    numbers: the models are compared on the same customers)."""

    at_s: float
    template: Template
    bot_draw: float
    crowd_draw: float
    handle_draw: float
    took_draw: float


@dataclass
class SimTicket:
    id: int
    arrival: Arrival
    self_service: str = ""
    community: str = ""
    team: str | None = None
    tier: int | None = None
    tier_since: datetime | None = None
    responded_s: float | None = None
    solved_s: float | None = None
    layer: str = STAFF


@dataclass
class Outcome:
    """One replication of one scenario."""

    first_response_p50_s: float
    resolution_p50_s: float
    sla_attainment: float
    utilization: float
    shares: dict[str, float]
    tickets: int
    unanswered: int
    decisions: int
    first_responses: list[float] = field(default_factory=list)


def arrivals(workload: Workload, seed: int) -> list[Arrival]:
    """Poisson arrivals per hour at each hour of week's historical rate, in time order."""
    rng = np.random.default_rng(seed)
    out: list[Arrival] = []
    hour = workload.starts_at.replace(minute=0, second=0, microsecond=0)
    while hour < workload.ends_at:
        slot = hour.weekday() * 24 + hour.hour
        seen = workload.templates.get(slot) or []
        if seen:
            rate = len(seen) / max(workload.occurrences.get(slot, 1), 1)
            offset = (hour - workload.starts_at).total_seconds()
            count = int(rng.poisson(rate))
            for at in sorted(rng.uniform(0, 3600, count)):
                at_s = offset + float(at)
                if 0 <= at_s < workload.seconds:
                    draws = rng.random(4)
                    template = seen[int(rng.integers(len(seen)))]
                    out.append(Arrival(at_s, template, *map(float, draws)))
        hour += timedelta(hours=1)
    return out


def simulated_agents(
    agents: dict[int, AgentState], teams: dict[str, TeamState]
) -> dict[int, AgentState]:
    """Fresh agents for a run: online, not on leave, no load; working their own schedule or,
    without one, their first team's calendar."""
    fresh = {}
    for agent_id, agent in agents.items():
        schedule = agent.schedule
        if schedule is None:
            calendars = [teams[t].calendar for t in sorted(agent.teams) if t in teams]
            own = next((c for c in calendars if c is not ALWAYS), None)
            schedule = own
        fresh[agent_id] = replace(
            agent,
            presence="online",
            absent=False,
            backup_id=None,
            load={},
            last_assigned_at=None,
            schedule=schedule,
        )
    return fresh


def facts_for(ticket: SimTicket, start: datetime, status: str) -> TicketFacts:
    """The simulated ticket as routing sees it (the fields ``snapshots.facts_for`` reads)."""
    template = ticket.arrival.template
    created = start + timedelta(seconds=ticket.arrival.at_s)
    return TicketFacts(
        id=ticket.id,
        channel=template.channel,
        priority=template.priority,
        status=status,
        subject=template.subject,
        team=ticket.team,
        organization=template.organization,
        customer_tier=template.customer_tier,
        tags=template.tags,
        language=template.language,
        intent=template.intent,
        intent_confidence=template.intent_confidence,
        mailbox=template.mailbox,
        fields=dict(template.fields),
        created_at=created,
        tier=ticket.tier,
        tier_since=ticket.tier_since,
        self_service=ticket.self_service,
        community=ticket.community,
        community_since=created if ticket.community else None,
    )


class Replay:
    """One scenario over one replication's arrivals."""

    def __init__(self, workload: Workload, scenario: Scenario, stream: list[Arrival]) -> None:
        self.workload, self.scenario, self.stream = workload, scenario, stream
        self.start = workload.starts_at
        self.world = World(dict(scenario.teams), simulated_agents(scenario.agents, scenario.teams))
        self.timeline = Timeline()
        self.waiting: dict[str, deque[SimTicket]] = {}
        self.pools: dict[tuple[int, str], Pool] = {}
        self.sweep_at = math.inf  # when the next queue sweep is planned
        self.decisions = 0
        self.now_s = 0.0
        kinds = {layer.kind for layer in scenario.model.layers}
        self.crosses_teams = bool(kinds & {"follow_the_sun", "skills", "swarming"})
        crowd = scenario.model.layer("community")
        self.crowd_channels = community_layer.channels(crowd) if crowd else ()
        self.crowd_box_s = float(crowd.settings["time_box_minutes"]) * 60 if crowd else 0.0

    def run(self, tick: Callable[[int], None] | None = None) -> Outcome:
        tickets = []
        for number, arrival in enumerate(self.stream, start=1):
            self._advance(arrival.at_s)
            ticket = SimTicket(number, arrival)
            ticket.self_service = (
                bot_layer.RESOLVED
                if arrival.bot_draw < self.scenario.bot_resolved
                else bot_layer.HANDED_OFF
            )
            if arrival.template.channel in self.crowd_channels:
                solved = arrival.crowd_draw < self.scenario.crowd_solved
                ticket.community = community_layer.SOLVED if solved else community_layer.OPEN
            tickets.append(ticket)
            self._enqueue(ticket, "new")
            if tick and number % 500 == 0:
                tick(500)
        if tick:
            tick(len(self.stream) % 500)
        self._advance(self.workload.seconds + DRAIN_S)
        return self._outcome(tickets)

    # -- the event loop ---------------------------------------------------------------------

    def _advance(self, until_s: float) -> None:
        events = self.timeline.events
        while events and events[0][0] <= until_s:
            moment = events[0][0]
            self.now_s = moment
            self.timeline.play_until(moment)
        self.now_s = until_s

    def _at(self, moment_s: float) -> datetime:
        return self.start + timedelta(seconds=moment_s)

    def _decide(self, ticket: SimTicket, status: str) -> Decision:
        self.decisions += 1
        facts = facts_for(ticket, self.start, status)
        return policies.decide(self.scenario.model, facts, self.world, self._at(self.now_s))

    def _route(self, ticket: SimTicket, status: str) -> bool:
        """Decide for ``ticket`` now; True when it is settled (held or assigned)."""
        decision = self._decide(ticket, status)
        if decision.held_by == bot_layer.HELD:
            took = _sample(self.workload.bot_s, ticket.arrival.took_draw, 0.0)
            self._settle(ticket, SELF_SERVICE, ticket.arrival.at_s + took)
            return True
        if decision.held_by == community_layer.HELD:
            if ticket.community == community_layer.SOLVED:
                took = _sample(self.workload.crowd_s, ticket.arrival.took_draw, self.crowd_box_s)
                self._settle(ticket, CROWD, ticket.arrival.at_s + min(took, self.crowd_box_s))
            else:  # the crowd has it until the time box ends; then staff
                ticket.community = community_layer.ESCALATED
                self.timeline.at(
                    ticket.arrival.at_s + self.crowd_box_s, lambda: self._enqueue(ticket, "open")
                )
            return True
        if decision.tier is not None and decision.tier != ticket.tier:
            ticket.tier, ticket.tier_since = decision.tier, self._at(self.now_s)
        ticket.team = decision.team or ticket.team
        agent_id = decision.assignee_id
        if agent_id is None and decision.manual and decision.team:
            agent_id = self._pull(decision.team, ticket.arrival.template.channel)
        if agent_id is None:
            return False
        self._assign(ticket, agent_id)
        return True

    def _enqueue(self, ticket: SimTicket, status: str) -> None:
        """Route ``ticket``; when nobody can take it, it waits in its team's queue."""
        if not self._route(ticket, status):
            self.waiting.setdefault(ticket.team or "", deque()).append(ticket)
            self._sweep_later()

    def _settle(self, ticket: SimTicket, layer: str, at_s: float) -> None:
        ticket.layer, ticket.responded_s, ticket.solved_s = layer, at_s, at_s

    def _pull(self, team: str, channel: str) -> int | None:
        members = self.world.members(team)
        ready, _ = assignment.split_available(members, channel, self._at(self.now_s))
        if not ready:
            return None
        return min(ready, key=lambda a: (assignment.load_ratio(a, channel), a.id)).id

    def _assign(self, ticket: SimTicket, agent_id: int) -> None:
        channel = ticket.arrival.template.channel
        agent = self.world.agents[agent_id]
        self.world.assigned(agent_id, channel, self._at(self.now_s))
        pool = self.pools.get((agent_id, channel))
        if pool is None:
            pool = self.pools[agent_id, channel] = Pool(agent.capacity_for(channel))
        handle = _sample(
            self.workload.handle_samples(ticket.team), ticket.arrival.handle_draw, 3600.0
        )
        started = pool.serve(self.now_s, handle)  # a free slot: routing checked the capacity
        ticket.responded_s, ticket.solved_s = started, started + handle
        self.timeline.at(started + handle, lambda: self._finish(agent_id, channel))

    def _finish(self, agent_id: int, channel: str) -> None:
        agent = self.world.agents[agent_id]
        agent.load[channel] = max(agent.load_on(channel) - 1, 0)
        for team in sorted(agent.teams):
            self._serve_queue(team)

    def _serve_queue(self, team: str) -> None:
        """Re-decide the team's waiting tickets in arrival order until one finds nobody."""
        queue = self.waiting.get(team)
        while queue:
            if not self._route(queue[0], "open"):
                return
            queue.popleft()

    def _anyone_free(self, team: str, ticket: SimTicket, now: datetime) -> bool:
        channel = ticket.arrival.template.channel
        members = self.world.members(team)
        return any(assignment.unavailable(a, channel, now) is None for a in members)

    def _sweep_later(self, at_s: float | None = None) -> None:
        """Sweep the queues at ``at_s`` (default: in five minutes) unless one comes sooner."""
        at_s = self.now_s + SWEEP_S if at_s is None else max(at_s, self.now_s)
        if at_s < self.sweep_at:
            self.sweep_at = at_s
            self.timeline.at(at_s, lambda: self._sweep(at_s))

    def _sweep(self, planned_s: float) -> None:
        if planned_s != self.sweep_at:
            return  # superseded by a sooner sweep
        self.sweep_at = math.inf
        now = self._at(self.now_s)
        for team, queue in list(self.waiting.items()):
            # Only a layer that looks across teams can place a ticket whose team has nobody
            # free; otherwise deciding again would only say "waits" (and cost the run's time).
            if queue and (self.crosses_teams or self._anyone_free(team, queue[0], now)):
                self._serve_queue(team)
        if not any(self.waiting.values()):
            return
        if self.crosses_teams:
            self._sweep_later()
            return
        # Agents at capacity call the queue themselves when they finish (_finish); what is
        # left is waiting for a schedule to open: sleep until the first one does.
        opening = self._next_opening(now)
        if opening is not None:
            self._sweep_later(self.now_s + max((opening - now).total_seconds(), 1.0))

    def _next_opening(self, now: datetime) -> datetime | None:
        """The soonest moment a closed schedule of a waiting team's member opens."""
        soonest = None
        for team, queue in self.waiting.items():
            if not queue:
                continue
            for agent in self.world.members(team):
                if agent.schedule is None or agent.schedule.is_open(now):
                    continue
                opens = agent.schedule.next_open(now)
                if opens is not None and (soonest is None or opens < soonest):
                    soonest = opens
        return soonest

    # -- figures ----------------------------------------------------------------------------

    def _outcome(self, tickets: list[SimTicket]) -> Outcome:
        end_s = self.workload.seconds + DRAIN_S
        first, resolution = [], []
        met = with_policy = unanswered = 0
        layers = {SELF_SERVICE: 0, CROWD: 0, STAFF: 0}
        for ticket in tickets:
            arrived = ticket.arrival.at_s
            if ticket.responded_s is None:
                unanswered += 1
            # Never answered by the end of the run: counted at the end (a lower bound).
            responded = (ticket.responded_s if ticket.responded_s is not None else end_s) - arrived
            solved = (ticket.solved_s if ticket.solved_s is not None else end_s) - arrived
            first.append(responded)
            resolution.append(solved)
            layers[ticket.layer] += 1
            verdict = self._sla_met(ticket, responded, solved)
            if verdict is not None:
                with_policy += 1
                met += verdict
        total = len(tickets) or 1
        return Outcome(
            first_response_p50_s=float(np.median(first)) if first else 0.0,
            resolution_p50_s=float(np.median(resolution)) if resolution else 0.0,
            sla_attainment=met / with_policy if with_policy else 1.0,
            utilization=self._utilization(),
            shares={k: v / total for k, v in layers.items()},
            tickets=len(tickets),
            unanswered=unanswered,
            decisions=self.decisions,
            first_responses=first,
        )

    def _sla_met(self, ticket: SimTicket, responded: float, solved: float) -> bool | None:
        """Whether the ticket met every target of its SLA policy; None without a policy."""
        created = self._at(ticket.arrival.at_s)
        facts = facts_for(ticket, self.start, "new")
        policy, _ = select_policy(self.scenario.sla_policies, facts, created)
        if policy is None:
            return None
        calendar = self.scenario.calendars.get(policy.calendar or "") or ALWAYS
        for target, took in ((policy.first_response, responded), (policy.resolution, solved)):
            if target is not None and created + timedelta(seconds=took) > calendar.add(
                created, target * 60.0
            ):
                return False
        return True

    def _utilization(self) -> float:
        """Busy ticket-slot time over the slot time agents were scheduled, in the window."""
        busy = sum(pool.busy_s for pool in self.pools.values())
        start, end = self.start, self.workload.ends_at
        offered = 0.0
        for agent in self.world.agents.values():
            scheduled = (
                agent.schedule.between(start, end)
                if agent.schedule
                else (end - start).total_seconds()
            )
            offered += agent.default_capacity * scheduled
        return busy / offered if offered else 0.0


def _sample(samples: list[float], draw: float, default: float) -> float:
    """The ``draw`` quantile (0..1) of the empirical distribution ``samples`` (sorted)."""
    if not samples:
        return default
    return samples[min(int(draw * len(samples)), len(samples) - 1)]
