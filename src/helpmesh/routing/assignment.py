"""Assignment inside a team: manual pull, round robin or least loaded, among available agents.

Pure: reads the snapshot, writes only the decision. Available means online, not on leave, inside
their schedule (if they have one) and under their capacity for the ticket's channel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from helpmesh.routing.facts import AgentState, Decision, TeamState, TicketFacts, World

SHOWN = 5  # candidates named in a trace; the rest are counted, so traces stay readable
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def unavailable(agent: AgentState, channel: str, now: datetime) -> str | None:
    """Why ``agent`` cannot take a new ``channel`` ticket now, or None when they can."""
    if agent.absent:
        return "on leave"
    if agent.presence != "online":
        return agent.presence
    if agent.schedule is not None and not agent.schedule.is_open(now):
        return "outside their schedule"
    load, capacity = agent.load_on(channel), agent.capacity_for(channel)
    if load >= capacity:
        return f"at capacity ({load}/{capacity} {channel})"
    return None


def split_available(
    agents: Iterable[AgentState], channel: str, now: datetime
) -> tuple[list[AgentState], Counter[str]]:
    """(available agents, how many were skipped for each reason)."""
    available, skipped = [], Counter[str]()
    for agent in agents:
        reason = unavailable(agent, channel, now)
        if reason is None:
            available.append(agent)
        else:
            skipped[reason.split(" (")[0]] += 1
    return available, skipped


def skipped_line(skipped: Counter[str]) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))


def load_ratio(agent: AgentState, channel: str) -> float:
    return agent.load_on(channel) / max(agent.capacity_for(channel), 1)


def _round_robin_key(agent: AgentState) -> tuple[datetime, int]:
    return (agent.last_assigned_at or EPOCH, agent.id)


def choose(
    team: TeamState, facts: TicketFacts, world: World, now: datetime, decision: Decision
) -> None:
    """Pick the assignee for ``facts`` in ``team`` by the team's method; explain it."""
    if team.assignment == "manual":
        decision.manual = True
        decision.note(f"assignment: team {team.slug} pulls work manually; left in its queue")
        return
    members = world.members(team.slug)
    available, skipped = split_available(members, facts.channel, now)
    if skipped:
        decision.note(f"assignment: skipped {skipped_line(skipped)}")
    if not available:
        decision.note(f"assignment: nobody in {team.slug} is available; waits in the team queue")
        return
    if team.assignment == "least_loaded":
        ranked = sorted(available, key=lambda a: (load_ratio(a, facts.channel), a.id))
        why = [
            f"{a.name} {a.load_on(facts.channel)}/{a.capacity_for(facts.channel)}" for a in ranked
        ]
        method = "least loaded"
    else:
        ranked = sorted(available, key=_round_robin_key)
        why = [f"{a.name} last assigned {_when(a.last_assigned_at)}" for a in ranked]
        method = "round robin (longest without a new ticket)"
    winner = ranked[0]
    more = f" and {len(ranked) - SHOWN} more" if len(ranked) > SHOWN else ""
    decision.note(f"assignment: {method} among {'; '.join(why[:SHOWN])}{more}")
    decision.note(f"assignment: {winner.name} wins")
    decision.assignee_id = winner.id


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "never"
