"""Swarms: formed by the swarming policy, with their own internal thread and a recorded
outcome that the next swarm on similar skills can start from."""

from __future__ import annotations

from helpmesh.accounts.models import User
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock
from helpmesh.routing.facts import Decision
from helpmesh.routing.models import Swarm, SwarmPost


def form(ticket: Ticket, decision: Decision) -> Swarm:
    """Open (or grow) the swarm on ``ticket``; the assignee stays accountable."""
    now = clock.now()
    with audit.unit():
        swarm = Swarm.objects.filter(ticket=ticket, closed_at__isnull=True).first()
        if swarm is None:
            swarm = Swarm.objects.create(
                ticket=ticket,
                skills=decision.required_skills,
                accountable_id=decision.assignee_id,
                opened_at=now,
            )
        swarm.members.add(*decision.collaborators)
        audit.record(
            "swarm.formed",
            "ticket",
            ticket.pk,
            data={
                "swarm": swarm.pk,
                "skills": swarm.skills,
                "members": decision.collaborators,
                "accountable": decision.assignee_id,
            },
        )
    return swarm


def post(swarm: Swarm, author: User, body: str) -> SwarmPost:
    """Add to the swarm's internal thread (members, the accountable agent and admins)."""
    if not (
        author.is_admin
        or author.pk == swarm.accountable_id
        or swarm.members.filter(pk=author.pk).exists()
    ):
        from helpmesh.conversations.errors import NotAllowed

        raise NotAllowed("only the swarm's members write in its thread")
    with audit.unit():
        created = SwarmPost.objects.create(
            swarm=swarm, author=author, body=body.strip(), created_at=clock.now()
        )
        audit.record(
            "swarm.posted", "ticket", swarm.ticket_id, actor=author, data={"post": created.pk}
        )
    return created


def close(swarm: Swarm, *, actor: User, outcome: str) -> Swarm:
    """Record what the swarm found, for reuse, and close it."""
    with audit.unit():
        swarm.outcome, swarm.closed_at = outcome.strip(), clock.now()
        swarm.save(update_fields=["outcome", "closed_at"])
        audit.record(
            "swarm.closed",
            "ticket",
            swarm.ticket_id,
            actor=actor,
            data={"swarm": swarm.pk, "outcome": swarm.outcome},
        )
    return swarm


def past_outcomes(skills: dict[str, int], limit: int = 5) -> list[Swarm]:
    """Closed swarms that needed any of ``skills``, newest first: where a new swarm starts."""
    closed = Swarm.objects.filter(closed_at__isnull=False).exclude(outcome="")
    return [s for s in closed.order_by("-closed_at")[:200] if set(s.skills) & set(skills)][:limit]
