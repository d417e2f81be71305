"""Automation's write path: run triggers, apply macros, queue webhook deliveries, and the
admin's edits of triggers, macros and webhooks (validated, audited, caches forgotten).

Conditions are routing's ``when:`` language (helpmesh.routing.conditions), so an admin writes
one language for rules, SLA policies and triggers.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from helpmesh.accounts.models import User
from helpmesh.automation import actions as acts
from helpmesh.automation import targets
from helpmesh.automation.models import (
    DeliveryState,
    Event,
    Macro,
    Trigger,
    TriggerFiring,
    Webhook,
    WebhookDelivery,
)
from helpmesh.conversations import services as tickets
from helpmesh.conversations.errors import NotAllowed
from helpmesh.conversations.models import Ticket
from helpmesh.conversations.permissions import can_edit_ticket
from helpmesh.core import audit, clock, config_cache
from helpmesh.routing import conditions, snapshots
from helpmesh.routing.snapshots import OPEN


class AutomationError(ValueError):
    """A refused automation change; ``field`` names the input at fault, ``code`` is stable."""

    def __init__(
        self, message: str, *, field: str = "", code: str = "invalid", status: int = 400
    ) -> None:
        super().__init__(message)
        self.field, self.code, self.status = field, code, status


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


def macros_for(agent: User) -> QuerySet[Macro]:
    """The macros ``agent`` may apply: the active ones, for those who may change tickets."""
    if not can_edit_ticket(agent):
        return Macro.objects.none()  # light agents only write internal notes
    return Macro.objects.filter(is_active=True)


def apply_macro(macro: Macro, ticket: Ticket, *, actor: User) -> Ticket:
    """An agent applies a macro: its actions, then its canned reply (written by the agent).

    Permissions are the agent's; a macro naming a team or agent that is gone raises
    AutomationError naming the action, and nothing of the macro is applied.
    """
    if not can_edit_ticket(actor):
        raise NotAllowed("light agents cannot apply macros")
    actions = list(macro.actions)
    if macro.reply:
        actions.append({"reply": macro.reply})
    try:
        with audit.unit():
            audit.record(
                "automation.macro_applied",
                "ticket",
                ticket.pk,
                actor=actor,
                data={"macro": macro.name},
            )
            perform(actions, ticket, actor=actor, reason=f"macro: {macro.name}")
    except acts.ActionError as exc:
        raise AutomationError(str(exc), field=exc.path, code="macro_broken", status=409) from None
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
    hooks = active_webhooks()
    if only:
        hooks = [h for h in Webhook.objects.filter(is_active=True, name=only)]
    queued = 0
    for hook in hooks:
        if hook.events and event not in hook.events and not only:
            continue
        _queue_delivery(hook.pk, event, payload(event, ticket, **extra))
        queued += 1
    return queued


def _queue_delivery(webhook_id: int, event: str, body: dict[str, Any]) -> WebhookDelivery:
    """A delivery row, sent by the worker once the caller's transaction commits."""
    from helpmesh.automation import tasks

    row = WebhookDelivery.objects.create(
        webhook_id=webhook_id, event=event, payload=body, created_at=clock.now()
    )
    transaction.on_commit(partial(tasks.deliver_webhook.enqueue, row.pk))
    return row


# The admin's edits. Each save validates everything first, so a refusal names one field and
# changes nothing; secrets are never written to the audit chain, only that they changed.

TRIGGER_FIELDS = ("name", "event", "position", "is_active", "when", "actions")
MACRO_FIELDS = ("name", "description", "is_active", "actions", "reply")
WEBHOOK_FIELDS = ("name", "url", "secret", "events", "is_active")
WEBHOOK_EVENTS = ("ticket.created", "ticket.updated")
MIN_SECRET = 16


def save_trigger(trigger: Trigger | None, changes: dict[str, Any], *, actor: User) -> Trigger:
    """Create a trigger (``trigger=None``) or change one; ``when`` and ``actions`` validated."""
    trigger = _assign(trigger or Trigger(), changes, TRIGGER_FIELDS)
    _check_name(trigger.name)
    if not 0 <= trigger.position <= 32767:
        raise AutomationError("position is a number from 0 to 32767", field="position")
    if trigger.event not in Event.values:
        raise AutomationError(
            f"unknown event {trigger.event!r} (known: {', '.join(Event.values)})", field="event"
        )
    try:
        conditions.validate(trigger.when)
    except conditions.ConditionError as exc:
        raise AutomationError(str(exc), field=f"when.{exc.key}" if exc.key else "when") from None
    _check_actions(trigger.actions)
    return _save(trigger, "trigger", changes, actor)


def save_macro(macro: Macro | None, changes: dict[str, Any], *, actor: User) -> Macro:
    """Create a macro (``macro=None``) or change one; its canned reply must be a valid template."""
    macro = _assign(macro or Macro(), changes, MACRO_FIELDS)
    _check_name(macro.name)
    _check_actions(macro.actions)
    problem = acts.template_problem(macro.reply)
    if problem:
        raise AutomationError(problem, field="reply")
    return _save(macro, "macro", changes, actor)


def save_webhook(webhook: Webhook | None, changes: dict[str, Any], *, actor: User) -> Webhook:
    """Create a webhook (``webhook=None``) or change one.

    The URL must pass the SSRF guard (automation.targets) whenever it is set; the secret is
    required on create, at least 16 characters, and never returned or audited.
    """
    creating = webhook is None
    webhook = _assign(webhook or Webhook(), changes, WEBHOOK_FIELDS)
    _check_name(webhook.name, slug=True)
    if creating or "url" in changes:
        _check_url(webhook.url)
    if creating or "secret" in changes:
        _check_secret(webhook.secret)
    _check_events(webhook.events)
    return _save(webhook, "webhook", changes, actor)


def delete_trigger(trigger: Trigger, *, actor: User) -> None:
    """Delete a trigger (its firing records go with it)."""
    _delete(trigger, "trigger", actor)


def delete_macro(macro: Macro, *, actor: User) -> None:
    """Delete a macro; tickets keep the changes it made."""
    _delete(macro, "macro", actor)


def delete_webhook(webhook: Webhook, *, actor: User) -> None:
    """Delete a webhook and its delivery log."""
    _delete(webhook, "webhook", actor)


def redeliver(delivery: WebhookDelivery, *, actor: User) -> WebhookDelivery:
    """Send a past delivery's event again, as a new delivery; the old row stays as it was."""
    if delivery.state == DeliveryState.PENDING:
        raise AutomationError(
            "this delivery is still being tried", field="delivery_id", code="pending", status=409
        )
    with audit.unit():
        row = _queue_delivery(delivery.webhook_id, delivery.event, delivery.payload)
        audit.record(
            "automation.webhook_redelivered",
            "webhook",
            delivery.webhook_id,
            actor=actor,
            data={"delivery": delivery.pk, "as": row.pk},
        )
    return row


Editable = TypeVar("Editable", Trigger, Macro, Webhook)


def _assign(row: Editable, changes: dict[str, Any], allowed: tuple[str, ...]) -> Editable:
    for name, value in changes.items():
        if name not in allowed:
            raise AutomationError(f"unknown field {name!r}", field=name)
        if value is None:
            raise AutomationError(f"{name} cannot be null", field=name)
        setattr(row, name, value)
    return row


def _check_name(name: str, *, slug: bool = False) -> None:
    longest = 64 if slug else 100
    if not name.strip() or len(name) > longest:
        raise AutomationError(f"a name of 1 to {longest} characters is required", field="name")
    if slug and not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        raise AutomationError("use letters, digits, - and _ only (a slug)", field="name")


def _check_actions(actions: Any) -> None:
    try:
        acts.validate(actions)
        acts.check_references(actions)
    except acts.ActionError as exc:
        raise AutomationError(str(exc), field=exc.path) from None


def _check_url(url: str) -> None:
    if len(url) > 500:
        raise AutomationError("the URL is longer than 500 characters", field="url")
    try:
        targets.check(url)
    except targets.RefusedTarget as exc:
        raise AutomationError(str(exc), field="url", code="unsafe_url") from None
    except OSError:
        raise AutomationError("the URL's host does not resolve", field="url") from None


def _check_secret(secret: str) -> None:
    if not MIN_SECRET <= len(secret) <= 128:
        raise AutomationError(
            f"the secret must be {MIN_SECRET} to 128 characters long", field="secret"
        )


def _check_events(events: Any) -> None:
    if not isinstance(events, list):
        raise AutomationError("a list of events (empty: all)", field="events")
    for index, event in enumerate(events):
        if event not in WEBHOOK_EVENTS:
            raise AutomationError(
                f"unknown event {event!r} (known: {', '.join(WEBHOOK_EVENTS)})",
                field=f"events[{index}]",
            )


def _save(row: Editable, kind: str, changes: dict[str, Any], actor: User) -> Editable:
    verb = "changed" if row.pk else "created"
    try:
        with audit.unit():
            row.save()
            audit.record(
                f"automation.{kind}_{verb}",
                kind,
                row.pk,
                actor=actor,
                data={"name": row.name, "fields": sorted(changes)},
            )
    except IntegrityError:
        raise AutomationError(
            f"a {kind} named {row.name!r} exists", field="name", code="name_taken", status=409
        ) from None
    config_cache.forget("automation.")
    return row


def _delete(row: Trigger | Macro | Webhook, kind: str, actor: User) -> None:
    with audit.unit():
        audit.record(
            f"automation.{kind}_deleted", kind, row.pk, actor=actor, data={"name": row.name}
        )
        row.delete()
    config_cache.forget("automation.")
