"""Routing's steps in the ticket pipeline (registered in settings.HELPMESH_TICKET_HOOKS).

    received:       route -> (new tickets) decide the team/assignee, then attach the SLA
    message_added:  track_message -> replies meet or start SLA metrics
    updated:        track_update -> status pauses/resumes SLAs; a person's edit re-decides

Triage runs before ``route`` in "received" and writes ``intent``/``intent_confidence`` into
``ticket.custom_fields``, which is where the rules read them.
"""

from __future__ import annotations

from typing import Any

from helpmesh.conversations.models import Message, Ticket
from helpmesh.routing import services, sla, snapshots

# Changes made while a new ticket is taken in (triage's intent, routing's first decision):
# route() attaches the SLA once at the end of intake, so they need not re-choose it each time.
INTAKE_REASONS = frozenset({"triage", "routing: received"})


def route(ticket: Ticket, *, created_ticket: bool = False, **context: Any) -> None:
    """Route a newly opened ticket and start its SLA clocks."""
    if not created_ticket:
        return  # a follow-up on an existing ticket: message_added handles its SLA
    if snapshots.active_model() is None and not snapshots.sla_policies():
        return  # nothing configured: keep the intake path as cheap as the bare record
    ticket.refresh_from_db()
    # A team named when the ticket was opened (an agent, the portal form) was a person's choice.
    services.route_ticket(ticket, kind="received", pinned=ticket.team_id is not None)
    ticket.refresh_from_db()
    sla.attach(ticket)


def track_message(ticket: Ticket, *, message: Message, status_before: str, **context: Any) -> None:
    """Replies stop first/next response clocks; customer messages start next response."""
    sla.on_message(ticket, message)
    if ticket.status != status_before:
        sla.on_status(ticket)


def track_update(
    ticket: Ticket, *, changes: Any, actor: Any = None, reason: str = "", **context: Any
) -> None:
    """Keep SLAs in step with the ticket; re-decide routing after a person's edit."""
    if changes.status is not None:
        sla.on_status(ticket)
    touched = bool(
        changes.priority
        or changes.custom_fields
        or changes.tags is not None
        or changes.add_tags
        or changes.remove_tags
    )
    if (touched or changes.team is not None) and reason not in INTAKE_REASONS:
        sla.retarget(ticket)
    # Only people's edits re-decide (a specialist criterion may now hold); the system's own
    # changes (reason set) never loop back into routing. A manual team or assignee choice wins.
    by_person = actor is not None and changes.team is None and changes.assignee is None
    if by_person and touched and ticket.is_open:
        services.route_ticket(ticket, kind="reroute")
