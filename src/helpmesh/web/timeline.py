"""A ticket's timeline: messages interleaved with audit events told as human sentences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from helpmesh.accounts.models import Team, User
from helpmesh.conversations.models import Attachment, Message, Priority, Status, Ticket
from helpmesh.core import audit
from helpmesh.core.models import AuditEvent

# message.added duplicates the message itself, which the timeline already shows.
HIDDEN = {"message.added"}
LABELS = {**dict(Status.choices), **dict(Priority.choices)}


@dataclass
class Entry:
    """One line of the timeline: a message, or an event sentence."""

    at: datetime
    message: Message | None = None
    sentence: str = ""


def messages_for_display(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Messages with authors and files loaded up front (no query per message)."""
    return messages.select_related("author_user", "author_customer").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def build(ticket: Ticket, messages: QuerySet[Message]) -> list[Entry]:
    """Messages and events of ``ticket``, oldest first; a message sorts before its own events."""
    events = [e for e in audit.events_for("ticket", ticket.pk) if e.kind not in HIDDEN]
    names = _Names.load(events)
    entries = [Entry(m.created_at, message=m) for m in messages_for_display(messages)]
    said: set[tuple[datetime, str]] = set()
    for event in events:
        sentence = names.sentence(event)
        if (event.occurred_at, sentence) not in said:  # e.g. SLA clocks attached twice at once
            said.add((event.occurred_at, sentence))
            entries.append(Entry(event.occurred_at, sentence=sentence))
    return sorted(entries, key=lambda entry: (entry.at, entry.message is None))


@dataclass
class _Names:
    """Users and teams that events mention, looked up in two queries for the whole timeline."""

    users: dict[int, str]
    teams: dict[int, str]

    @classmethod
    def load(cls, events: list[AuditEvent]) -> _Names:
        user_ids = {e.actor_id for e in events if e.actor_id}
        team_ids: set[int] = set()
        for e in events:
            if e.kind in ("ticket.assigned", "ticket.unassigned"):
                user_ids |= {e.data.get("from"), e.data.get("to")} - {None}
            if e.kind == "ticket.team_changed":
                team_ids |= {e.data.get("from"), e.data.get("to")} - {None}
        users = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
        teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
        return cls(users, teams)

    def actor(self, event: AuditEvent) -> str:
        if event.actor_id:
            return self.users.get(event.actor_id, event.actor_label or "Someone")
        # No actor: the customer wrote in (creating or waking the ticket), or automation acted.
        by_customer = event.kind == "ticket.created" or event.data.get("reason") == "message"
        return "The customer" if by_customer else "Helpmesh"

    def sentence(self, event: AuditEvent) -> str:
        """ "Anna changed status from New to Open", and so on for each kind of event."""
        describe = _DESCRIBE.get(event.kind)
        what = describe(self, event.data) if describe else event.kind.replace("_", " ")
        return f"{self.actor(event)} {what}"

    def user(self, pk: Any) -> str:
        return self.users.get(pk, "someone") if pk else "nobody"

    def team(self, pk: Any) -> str:
        return self.teams.get(pk, "a deleted team") if pk else "no team"


def _label(value: Any) -> str:
    return str(LABELS.get(value, value))


def _tags(data: dict[str, Any]) -> str:
    parts = []
    if data.get("added"):
        parts.append("added tags " + ", ".join(data["added"]))
    if data.get("removed"):
        parts.append("removed tags " + ", ".join(data["removed"]))
    return " and ".join(parts) or "changed tags"


def _assigned(names: _Names, data: dict[str, Any]) -> str:
    if data.get("to"):
        return f"assigned the ticket to {names.user(data['to'])}"
    return f"unassigned {names.user(data.get('from'))}"


def _routed(names: _Names, data: dict[str, Any]) -> str:
    if data.get("kind") in ("escalate", "sla_escalate"):
        return f"escalated the ticket to tier {data.get('tier')}"
    rule = str(data.get("rule") or "").partition("/")[2]
    return f"routed the ticket by rule “{rule}”" if rule else "routed the ticket"


def _metric(data: dict[str, Any]) -> str:
    return str(data.get("metric") or "").replace("_", " ")


_DESCRIBE: dict[str, Any] = {
    "ticket.created": lambda n, d: "opened the ticket",
    "ticket.status_changed": lambda n, d: (
        f"changed status from {_label(d.get('from'))} to {_label(d.get('to'))}"
    ),
    "ticket.reopened": lambda n, d: f"reopened the ticket ({_label(d.get('from'))} to Open)",
    "ticket.priority_changed": lambda n, d: (
        f"changed priority from {_label(d.get('from'))} to {_label(d.get('to'))}"
    ),
    "ticket.team_changed": lambda n, d: (
        f"moved the ticket from {n.team(d.get('from'))} to {n.team(d.get('to'))}"
    ),
    "ticket.assigned": _assigned,
    "ticket.unassigned": lambda n, d: f"unassigned {n.user(d.get('from'))} ({d.get('reason', '')})",
    "ticket.tags_changed": lambda n, d: _tags(d),
    "ticket.subject_changed": lambda n, d: f"renamed the ticket to “{d.get('to', '')}”",
    "ticket.fields_changed": lambda n, d: "updated " + ", ".join(sorted(d)),
    "ticket.merged_in": lambda n, d: f"merged ticket #{d.get('from')} into this one",
    "ticket.merged_away": lambda n, d: f"merged this ticket into #{d.get('into')}",
    "ticket.linked": lambda n, d: f"linked this ticket to #{d.get('target')}",
    "ticket.requester_changed": lambda n, d: "changed the requester (customer profiles merged)",
    "email.sent": lambda n, d: f"emailed the customer ({d.get('kind') or 'message'})",
    "email.send_failed": lambda n, d: (
        f"could not email {', '.join(d.get('to') or []) or 'the customer'}: {d.get('error', '')}"
        + (" (will retry)" if d.get("will_retry") else " (gave up)")
    ),
    "email.bounced": lambda n, d: (
        f"got a bounce: mail to {d.get('recipient', '?')} was not delivered"
        + (f" ({d['reason']})" if d.get("reason") else "")
    ),
    "routing.decided": _routed,
    "sla.attached": lambda n, d: f"started the SLA clocks ({d.get('policy')} policy)",
    "sla.retargeted": lambda n, d: f"moved the SLA to the {d.get('policy')} policy",
    "sla.warning": lambda n, d: f"warned that {_metric(d)} is due soon",
    "sla.breached": lambda n, d: f"recorded an SLA breach: {_metric(d)}",
    "sla.notified": lambda n, d: "sent an SLA notice to " + ", ".join(d.get("to") or ["no one"]),
    "automation.macro_applied": lambda n, d: f"applied the macro “{d.get('macro', '')}”",
    "automation.trigger_fired": lambda n, d: (
        f"ran the trigger “{d.get('trigger', '')}”" + (f" ({d['why']})" if d.get("why") else "")
    ),
}
