"""What an irreversible action would do, shown before it is done: a merge's preview and a
macro's draft (its reply and field changes, for the agent to review on the ticket page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpmesh.automation import actions as acts
from helpmesh.automation.models import Macro
from helpmesh.conversations.models import Attachment, Ticket
from helpmesh.web.forms import split_tags

# Actions the reply box and the side panel cannot show: they run only with "Apply and send".
NOT_REVIEWABLE = {
    "set_fields": "set custom fields",
    "notify": "send a notification",
    "webhook": "call a webhook",
    "route": "re-route the ticket",
}
FIELD_LABELS = {
    "status": "status",
    "priority": "priority",
    "team": "team",
    "assignee": "assignee",
    "tags": "tags",
}


@dataclass
class MergePreview:
    """What merging ``source`` into ``target`` moves, and what becomes of ``source``."""

    source: Ticket
    target: Ticket
    messages: int
    notes: int
    attachments: int
    new_tags: list[str] = field(default_factory=list)


def merge_preview(source: Ticket, target: Ticket) -> MergePreview:
    """Count what ``conversations.merging.merge_tickets`` would move (it moves every message
    with its attachments and adds the source's tags; the source closes, pointing at target)."""
    thread = source.messages.all()
    target_tags = set(target.tags.values_list("name", flat=True))
    return MergePreview(
        source=source,
        target=target,
        messages=thread.filter(internal=False).count(),
        notes=thread.filter(internal=True).count(),
        attachments=Attachment.objects.filter(message__ticket=source).count(),
        new_tags=sorted(set(source.tags.values_list("name", flat=True)) - target_tags),
    )


class MacroUnusable(Exception):
    """The macro names a team or agent that is gone (its message names the action)."""


@dataclass
class MacroDraft:
    """A macro laid out for review: nothing of it is saved."""

    macro: Macro
    reply: str
    fields: dict[str, Any]  # TicketForm data: the macro's values, the current ones as initials
    changed: list[str]  # labels of the fields the macro changes
    left_out: list[str]  # what only "Apply and send" does


def macro_draft(macro: Macro, ticket: Ticket, current: dict[str, Any]) -> MacroDraft:
    """The reply box text and side panel values ``macro`` would give ``ticket``."""
    actions = list(macro.actions)
    try:
        changes = acts.changes_for(actions)
    except acts.ActionError as exc:
        raise MacroUnusable(str(exc)) from None
    proposed = dict(current)
    if changes.status:
        proposed["status"] = changes.status
    if changes.priority:
        proposed["priority"] = changes.priority
    if changes.team:
        proposed["team"] = changes.team.pk
    if changes.assignee:
        proposed["assignee"] = changes.assignee.pk
    if changes.add_tags or changes.remove_tags:
        tags = set(split_tags(current["tags"])) | set(split_tags(" ".join(changes.add_tags)))
        tags -= set(split_tags(" ".join(changes.remove_tags)))
        proposed["tags"] = " ".join(sorted(tags))
    changed = [FIELD_LABELS[k] for k in FIELD_LABELS if proposed[k] != current[k]]
    data = {k: _form_value(v) for k, v in proposed.items()}
    data.update({f"initial-{k}": _form_value(v) for k, v in current.items()})
    left_out = [
        NOT_REVIEWABLE[kind] for entry in actions for kind in entry if kind in NOT_REVIEWABLE
    ]
    reply = acts.render(macro.reply, ticket) if macro.reply else ""
    return MacroDraft(macro, reply, data, changed, sorted(set(left_out)))


def _form_value(value: Any) -> str:
    return "" if value is None else str(value)
