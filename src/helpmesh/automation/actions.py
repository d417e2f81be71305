"""The actions triggers and macros perform, validated up front with errors naming the entry.

actions:
  - set_priority: high          - assign_team: billing      - add_tags: [vip]
  - set_status: pending         - assign_agent: a@x.com     - remove_tags: [spam]
  - set_fields: {plan: gold}    - route: true               - notify: assignee | team | a@x.com
  - reply: "Hi {{ requester }}, ..."                        - webhook: crm
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team, User
from helpmesh.automation.models import Webhook
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Priority, Status, Ticket
from helpmesh.core import audit

KINDS = {
    "set_priority",
    "set_status",
    "set_fields",
    "assign_team",
    "assign_agent",
    "route",
    "add_tags",
    "remove_tags",
    "notify",
    "reply",
    "webhook",
}
AUTOMATION_EMAIL = "automation@helpmesh.invalid"


class ActionError(ValueError):
    """A bad action list; ``path`` names the entry (``actions[2].set_priority``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def validate(actions: Any, path: str = "actions") -> None:
    """Every entry is a one-key mapping of a known action."""
    if not isinstance(actions, list):
        raise ActionError(path, "must be a list of actions")
    for index, entry in enumerate(actions):
        where = f"{path}[{index}]"
        if not isinstance(entry, Mapping) or len(entry) != 1:
            raise ActionError(where, "each action is one 'name: value' mapping")
        kind = next(iter(entry))
        if kind not in KINDS:
            raise ActionError(
                f"{where}.{kind}", f"unknown action (known: {', '.join(sorted(KINDS))})"
            )
        _check_value(f"{where}.{kind}", kind, entry[kind])


def _check_value(where: str, kind: str, value: Any) -> None:
    """The value checks that need no database (references: ``check_references``)."""
    if kind == "set_fields" and not isinstance(value, Mapping):
        raise ActionError(where, "set_fields takes a mapping of field: value")
    for name, known in (("set_priority", Priority.values), ("set_status", Status.values)):
        if kind == name and value not in known:
            raise ActionError(where, f"unknown value {value!r} (known: {', '.join(known)})")
    if kind == "reply" and template_problem(str(value)):
        raise ActionError(where, template_problem(str(value)))


def template_problem(text: str) -> str:
    """Why ``text`` is not a valid canned reply (a Django template), or ''."""
    try:
        Template(text)
    except TemplateSyntaxError as exc:
        return f"the reply is not a valid template: {exc}"
    return ""


def check_references(actions: list[dict[str, Any]], path: str = "actions") -> None:
    """The teams, agents and webhooks that ``actions`` name exist (checked when triggers and
    macros are saved: a misspelt webhook would otherwise send nothing, silently)."""
    for index, entry in enumerate(actions):
        ((kind, value),) = entry.items()
        if kind == "assign_team":
            team_named(value, f"{path}[{index}].{kind}")
        elif kind == "assign_agent":
            agent_named(value, f"{path}[{index}].{kind}")
        elif kind == "webhook" and not Webhook.objects.filter(name=str(value)).exists():
            raise ActionError(f"{path}[{index}].{kind}", f"no webhook named {value!r}")


def team_named(slug: Any, where: str) -> Team:
    """The team with ``slug``, else ActionError at ``where``."""
    team = Team.objects.filter(slug=str(slug)).first()
    if team is None:
        raise ActionError(where, f"no team with the slug {slug!r}")
    return team


def agent_named(email: Any, where: str) -> User:
    """The active agent with ``email``, else ActionError at ``where``."""
    agent = User.objects.filter(email=str(email).lower(), is_active=True).first()
    if agent is None or not agent.is_agent:
        raise ActionError(where, f"no agent with the address {email!r}")
    return agent


def changes_for(actions: list[dict[str, Any]]) -> tickets.TicketChanges:
    """The ticket edits among ``actions`` as one change (one audit event per aspect)."""
    changes = tickets.TicketChanges()
    for index, entry in enumerate(actions):
        ((kind, value),) = entry.items()
        if kind == "set_priority":
            changes.priority = str(value)
        elif kind == "set_status":
            changes.status = str(value)
        elif kind == "set_fields":
            changes.custom_fields = {**(changes.custom_fields or {}), **value}
        elif kind == "assign_team":
            changes.team = team_named(value, f"actions[{index}].{kind}")
        elif kind == "assign_agent":
            changes.assignee = agent_named(value, f"actions[{index}].{kind}")
        elif kind == "add_tags":
            changes.add_tags += value if isinstance(value, list) else [value]
        elif kind == "remove_tags":
            changes.remove_tags += value if isinstance(value, list) else [value]
    return changes


def automation_user() -> User:
    """The sender of replies that triggers write (an agent with no team: never routed to)."""
    user = User.objects.filter(email=AUTOMATION_EMAIL).first()
    return user or accounts.create_user(AUTOMATION_EMAIL, None, name="Automation", role=Role.AGENT)


def render(text: str, ticket: Ticket) -> str:
    """Fill a canned reply: ``{{ ticket.subject }}``, ``{{ requester }}``, ``{{ ticket.id }}``."""
    return Template(text).render(Context({"ticket": ticket, "requester": ticket.requester}))


def side_effects(actions: list[dict[str, Any]], ticket: Ticket, *, author: User) -> None:
    """Replies, notifications, webhooks and re-routing, after the edits."""
    from helpmesh.automation import services

    for entry in actions:
        ((kind, value),) = entry.items()
        if kind == "reply":
            tickets.add_message(
                ticket,
                tickets.NewMessage(render(str(value), ticket)),
                channel=ticket.channel,
                author_user=author,
            )
        elif kind == "notify":
            notify(ticket, str(value))
        elif kind == "webhook":
            services.emit("trigger", ticket, only=str(value))
        elif kind == "route" and value:
            from helpmesh.routing.services import route_ticket

            route_ticket(ticket, kind="automation")


def notify(ticket: Ticket, who: str) -> list[str]:
    """Email the assignee, the team, or an address about ``ticket`` (after commit)."""
    if who == "assignee":
        recipients = [ticket.assignee.email] if ticket.assignee_id and ticket.assignee else []
    elif who == "team":
        recipients = (
            list(ticket.team.members.values_list("email", flat=True)) if ticket.team else []
        )
    else:
        recipients = [who]
    audit.record("automation.notified", "ticket", ticket.pk, data={"to": recipients})
    if recipients:
        subject = f"[#{ticket.pk}] {ticket.subject}"
        transaction.on_commit(lambda: send_mail(subject, subject, None, recipients))
    return recipients
