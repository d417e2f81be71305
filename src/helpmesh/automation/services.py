"""Automation's write path: run triggers, apply macros, queue webhook deliveries.

Conditions are routing's ``when:`` language (helpmesh.routing.conditions), so an admin writes
one language for rules, SLA policies and triggers.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from helpmesh.accounts.models import User
from helpmesh.automation import actions as acts
from helpmesh.automation.models import (
    Event,
    Macro,
    Trigger,
    TriggerFiring,
    Webhook,
    WebhookDelivery,
)
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock, config_cache
from helpmesh.routing import conditions, snapshots
from helpmesh.routing.snapshots import OPEN


def perform(
    actions: list[dict[str, Any]], ticket: Ticket, *, actor: User | None, reason: str
) -> None:
    """Apply ``actions`` to ``ticket``: edits first (one update), then replies and the rest."""
    changes = acts.changes_for(actions)
    if changes != tickets.TicketChanges():
        tickets.update_ticket(ticket, changes, actor=actor, reason=reason)
    acts.side_effects(actions, ticket, author=actor or acts.automation_user())


def active_triggers(event: str) -> list[Trigger]:
    """The active triggers for ``event`` in order (cached briefly: core.config_cache)."""
    return config_cache.cached(
        f"automation.triggers.{event}",
        lambda: list(Trigger.objects.filter(event=event, is_active=True)),
    )


def active_webhooks() -> list[Webhook]:
    """The active webhooks (cached briefly: core.config_cache)."""
    return config_cache.cached(
        "automation.webhooks", lambda: list(Webhook.objects.filter(is_active=True))
    )


def run_triggers(event: str, ticket: Ticket) -> list[str]:
    """Run the active ``event`` triggers whose conditions hold; returns the names that fired."""
    fired: list[str] = []
    triggers = active_triggers(event)
    if not triggers:
        return fired
    facts = snapshots.facts_for(ticket)
    now = clock.now()
    for trigger in triggers:
        matched, why = conditions.evaluate(trigger.when, facts, now)
        if matched:
            _fire(trigger, ticket, why)
            fired.append(trigger.name)
    return fired


def _fire(trigger: Trigger, ticket: Ticket, why: str) -> None:
    with audit.unit():
        audit.record(
            "automation.trigger_fired",
            "ticket",
            ticket.pk,
            data={"trigger": trigger.name, "why": why},
        )
        perform(trigger.actions, ticket, actor=None, reason=f"automation: {trigger.name}")
    ticket.refresh_from_db()


def run_time_triggers(limit: int = 1000) -> int:
    """Time triggers over open tickets; each fires once per ticket (the firing row is the claim)."""
    count, now = 0, clock.now()
    for trigger in Trigger.objects.filter(event=Event.TIME, is_active=True):
        done = TriggerFiring.objects.filter(trigger=trigger).values("ticket_id")
        for ticket in Ticket.objects.filter(status__in=OPEN).exclude(pk__in=done)[:limit]:
            matched, why = conditions.evaluate(trigger.when, snapshots.facts_for(ticket), now)
            if matched and _claim(trigger, ticket):
                _fire(trigger, ticket, why)
                count += 1
    return count


def _claim(trigger: Trigger, ticket: Ticket) -> bool:
    try:
        with audit.unit():
            TriggerFiring.objects.create(trigger=trigger, ticket=ticket, fired_at=clock.now())
    except IntegrityError:
        return False  # another worker fired it
    return True


def apply_macro(macro: Macro, ticket: Ticket, *, actor: User) -> Ticket:
    """An agent applies a macro: its actions, then its canned reply (written by the agent)."""
    actions = list(macro.actions)
    if macro.reply:
        actions.append({"reply": macro.reply})
    with audit.unit():
        perform(actions, ticket, actor=actor, reason=f"macro: {macro.name}")
        audit.record(
            "automation.macro_applied", "ticket", ticket.pk, actor=actor, data={"macro": macro.name}
        )
    ticket.refresh_from_db()
    return ticket


def payload(event: str, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    """The JSON body receivers get (datetimes as ISO strings)."""
    data = {
        "event": event,
        "at": clock.now(),
        "ticket": {
            "id": ticket.pk,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "team_id": ticket.team_id,
            "assignee_id": ticket.assignee_id,
            "updated_at": ticket.updated_at,
        },
        **extra,
    }
    return dict(json.loads(json.dumps(data, cls=DjangoJSONEncoder)))


def emit(event: str, ticket: Ticket, *, only: str | None = None, **extra: Any) -> int:
    """Queue a delivery per interested webhook; sent by the worker after commit, never inline."""
    from helpmesh.automation import tasks

    hooks = active_webhooks()
    if only:
        hooks = [h for h in Webhook.objects.filter(is_active=True, name=only)]
    queued = 0
    for hook in hooks:
        if hook.events and event not in hook.events and not only:
            continue
        row = WebhookDelivery.objects.create(
            webhook=hook,
            event=event,
            payload=payload(event, ticket, **extra),
            created_at=clock.now(),
        )
        transaction.on_commit(partial(tasks.deliver_webhook.enqueue, row.pk))
        queued += 1
    return queued
