"""Skills-based: tickets require skills (and a language); the best-matching available agent
wins. After a wait the requirement relaxes: step 1 lowers every level by one, step 2 drops the
language, step 3 lets any available agent of the team take it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from helpmesh.routing.assignment import SHOWN, load_ratio, skipped_line, split_available
from helpmesh.routing.facts import AgentState
from helpmesh.routing.policies.common import all_matches
from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context

ANY_AGENT = 3


def relaxation(layer: LayerSpec, ctx: Context) -> int:
    """How far the requirement has relaxed: thresholds passed since the ticket arrived."""
    created = ctx.facts.created_at or ctx.now
    waited = (ctx.now - created).total_seconds() / 60
    passed = sum(1 for m in layer.settings.get("relax_after_minutes") or [] if waited >= m)
    return min(max(passed, ctx.facts.relaxation), ANY_AGENT)


def required(layer: LayerSpec, ctx: Context) -> tuple[dict[str, int], str]:
    """Skills and language the matching rules ask for (the highest level wins)."""
    skills: dict[str, int] = dict(ctx.facts.required_skills)
    language = ""
    for rule in all_matches(layer, ctx, "skills"):
        for name, level in (rule.then.get("skills") or {}).items():
            skills[name] = max(level, skills.get(name, 0))
        language = rule.then.get("language") or language
    if language == "customer":
        language = ctx.facts.language
    return skills, language


def fits(agent: AgentState, skills: dict[str, int], language: str, step: int) -> bool:
    """True when ``agent`` meets the requirement relaxed by ``step``."""
    if step >= ANY_AGENT:
        return True
    drop = 1 if step >= 1 else 0
    if language and step < 2 and language not in agent.languages:
        return False
    return all(agent.skills.get(name, 0) >= max(level - drop, 1) for name, level in skills.items())


def apply(layer: LayerSpec, ctx: Context) -> None:
    """Pick the best-matching available agent, relaxing the requirement after a wait."""
    skills, language = required(layer, ctx)
    ctx.decision.required_skills, ctx.decision.language = skills, language
    ctx.facts = replace(ctx.facts, required_skills=skills)
    if not skills and not language:
        ctx.decision.note("skills: no skills required; plain assignment")
        return
    step = relaxation(layer, ctx)
    current = ctx.world.agents.get(ctx.facts.assignee_id or 0)
    if current is not None and not current.absent and fits(current, skills, language, step):
        ctx.decision.note(f"skills: current assignee {current.name} fits; kept")
        ctx.decision.assignee_id, ctx.decision.assignee_chosen = current.id, True
        return
    ctx.decision.note(
        f"skills: need {skills or '-'} language {language or 'any'}, relaxation {step}"
    )
    if ctx.decision.team:
        pool = ctx.world.members(ctx.decision.team)
    else:
        pool, ctx.decision.reached_every_agent = list(ctx.world.agents.values()), True
    available, skipped = split_available(pool, ctx.facts.channel, ctx.now)
    if skipped:
        ctx.decision.note(f"skills: skipped {skipped_line(skipped)}")
    matching = [a for a in available if fits(a, skills, language, step)]
    if step >= ANY_AGENT:
        ctx.decision.note("skills: fully relaxed; any available agent may take it")
        return  # plain assignment in the team decides
    ctx.decision.assignee_chosen = True
    if not matching:
        ctx.decision.note("skills: no available agent fits yet; waits for relaxation")
        return
    ranked = sorted(
        matching, key=lambda a: (-_score(a, skills), load_ratio(a, ctx.facts.channel), a.id)
    )
    shown = "; ".join(f"{a.name} score {_score(a, skills)}" for a in ranked[:SHOWN])
    ctx.decision.note(
        f"skills: candidates {shown}"
        + (f" and {len(ranked) - SHOWN} more" if len(ranked) > SHOWN else "")
    )
    winner = ranked[0]
    ctx.decision.assignee_id = winner.id
    ctx.decision.note(f"skills: {winner.name} wins (best skill match, then lowest load)")
    if ctx.decision.team is None or ctx.decision.team not in winner.teams:
        ctx.decision.team = min(winner.teams) if winner.teams else ctx.decision.team


def _score(agent: AgentState, skills: dict[str, int]) -> int:
    return sum(agent.skills.get(name, 0) for name in skills)
