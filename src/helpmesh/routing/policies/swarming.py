"""Swarming: for matching tickets (urgent, multi-skill) the needed skills are computed and
available agents with them are invited as collaborators; one assignee stays accountable.
The swarm itself (its internal thread, its recorded outcome) lives in ``routing.swarms``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpmesh.routing.assignment import split_available
from helpmesh.routing.facts import AgentState
from helpmesh.routing.policies.common import first_match
from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context


def apply(layer: LayerSpec, ctx: Context) -> None:
    """When a rule matches, invite the best available agent for each needed skill."""
    rule = first_match(layer, ctx, "swarming")
    if rule is None:
        return
    skills = dict(rule.then.get("skills") or ctx.decision.required_skills)
    if not skills:
        ctx.decision.note("swarming: matched, but no skills are known; no swarm")
        return
    limit = int(layer.settings.get("max_members", 3))
    ctx.decision.reached_every_agent = True  # a swarm gathers skills from any team
    available, _ = split_available(ctx.world.agents.values(), ctx.facts.channel, ctx.now)
    members = _cover(available, skills, limit, exclude=ctx.decision.assignee_id)
    ctx.decision.swarm, ctx.decision.rule = True, ctx.decision.rule or f"swarming/{rule.name}"
    ctx.decision.required_skills = {**ctx.decision.required_skills, **skills}
    ctx.decision.collaborators = [a.id for a in members]
    names = ", ".join(f"{a.name} ({_best_skill(a, skills)})" for a in members) or "nobody yet"
    ctx.decision.note(f"swarming: swarm for {sorted(skills)} invites {names}")


def _cover(
    agents: list[AgentState], skills: dict[str, int], limit: int, exclude: int | None
) -> list[AgentState]:
    # Greedy: for each skill, the most skilled agent not yet invited, until the limit.
    chosen: list[AgentState] = []
    for name in sorted(skills, key=lambda s: -skills[s]):
        pool = [a for a in agents if a.skills.get(name, 0) >= 1 and a.id != exclude]
        pool = [a for a in pool if a not in chosen]
        if pool and len(chosen) < limit:
            chosen.append(max(pool, key=lambda a: (a.skills[name], -a.id)))
    return chosen


def _best_skill(agent: AgentState, skills: dict[str, int]) -> str:
    name = max(skills, key=lambda s: agent.skills.get(s, 0))
    return f"{name} {agent.skills.get(name, 0)}"
