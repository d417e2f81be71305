"""Automation's steps in the ticket pipeline: run "created" and "updated" triggers and tell
webhooks. Registered after routing's, so triggers see the routed ticket."""

from __future__ import annotations

from typing import Any

from helpmesh.conversations.models import Ticket


def on_received(ticket: Ticket, *, created_ticket: bool = False, **context: Any) -> None:
    from helpmesh.automation import services

    if created_ticket and (services.active_triggers("created") or services.active_webhooks()):
        ticket.refresh_from_db()
        services.run_triggers("created", ticket)
        services.emit("ticket.created", ticket)


def on_updated(ticket: Ticket, *, reason: str = "", **context: Any) -> None:
    from helpmesh.automation import services

    # A trigger's own changes (reason "automation: ...") do not fire triggers again: no loops.
    if reason.startswith("automation"):
        return
    services.run_triggers("updated", ticket)
    services.emit("ticket.updated", ticket, reason=reason)
