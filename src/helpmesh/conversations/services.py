"""The only writers of tickets and messages. Every face and channel calls these.

Each function is atomic and appends its audit event in the same transaction, so the ticket's
timeline (core.audit.events_for("ticket", id)) is exactly what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F

from helpmesh.accounts.models import Role, Team, TeamMembership, User
from helpmesh.conversations import attachments as files
from helpmesh.conversations import fields as custom_fields
from helpmesh.conversations import hooks, lifecycle, search
from helpmesh.conversations.errors import NotAllowed, TicketError
from helpmesh.conversations.models import Message, Priority, Status, Tag, Ticket
from helpmesh.conversations.sanitize import clean_html, text_to_html
from helpmesh.core import audit, clock, compiled
from helpmesh.customers.models import Customer

MAX_SUBJECT = 250


@dataclass
class NewMessage:
    """What someone wrote: text, optional HTML (sanitized here) and files."""

    body_text: str
    body_html: str = ""
    attachments: list[files.NewAttachment] = field(default_factory=list)

    def cleaned(self) -> tuple[str, str]:
        text = self.body_text.strip()
        if not text:
            raise TicketError("a message needs a body", field="body")
        return text, clean_html(self.body_html) if self.body_html else text_to_html(text)


def subject_from(subject: str, body: str) -> str:
    """The subject as given, or the first line of the body when there is none."""
    subject = " ".join(subject.split())
    if not subject:
        first_line = next((line for line in body.splitlines() if line.strip()), "")
        subject = " ".join(first_line.split())[:80] or "(no subject)"
    return subject[:MAX_SUBJECT]


def create_ticket(
    *,
    requester: Customer,
    subject: str,
    message: NewMessage,
    channel: str,
    actor: User | None = None,
    team: Team | None = None,
    priority: str = Priority.NORMAL,
    tags: list[str] | None = None,
    fields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> tuple[Ticket, Message]:
    """Open a ticket for ``requester`` with its first message (written by the requester).

    ``actor`` is the agent who entered it on the requester's behalf, if any.
    """
    text, html = message.cleaned()
    files.check_sizes(message.attachments)
    if priority not in Priority.values:
        raise TicketError(f"unknown priority {priority!r}", field="priority")
    checked_fields = custom_fields.validate(fields or {}, team.pk if team else None, partial=False)
    now = at or clock.now()
    # Nothing inside raises a domain error that a caller catches: no savepoint needed.
    with audit.unit(savepoint=False):
        ticket = compiled.insert(
            Ticket(
                subject=subject_from(subject, text),
                channel=channel,
                requester=requester,
                organization_id=requester.organization_id,
                team=team,
                priority=priority,
                custom_fields=checked_fields,
                created_at=now,
                updated_at=now,
                status_changed_at=now,
                last_customer_message_at=now,
                message_count=1,
                search_text=search.document(subject, text),
            )
        )
        first = compiled.insert(
            Message(
                ticket=ticket,
                author_customer=requester,
                author_user=actor if actor else None,
                channel=channel,
                body_text=text,
                body_html=html,
                created_at=now,
            )
        )
        files.store(first, message.attachments)
        tag_names = _attach_tags(ticket, tags) if tags else []
        audit.record(
            "ticket.created",
            "ticket",
            ticket.pk,
            actor=actor,
            data={
                "subject": ticket.subject,
                "channel": channel,
                "requester": requester.pk,
                "message": first.pk,
                "team": team.pk if team else None,
                "priority": priority,
                "tags": tag_names,
            },
        )
    return ticket, first


def add_message(
    ticket: Ticket,
    message: NewMessage,
    *,
    channel: str,
    author_user: User | None = None,
    author_customer: Customer | None = None,
    internal: bool = False,
    at: datetime | None = None,
    staff_response: bool = True,
) -> Message:
    """Append a reply or an internal note and move the status the way a support desk expects.

    A customer writing back reopens a solved or pending ticket; an agent's first public reply
    stamps the first response and takes a new ticket to open. ``staff_response=False``: a
    system's public reply that answers for no one on staff (the answer bot, docs/bot.md): the
    customer sees it, but it stamps no first response and leaves the status as it is.
    """
    from helpmesh.conversations import tasks

    if author_user is None and author_customer is None:
        raise TicketError("a message needs an author", field="author")
    if ticket.merged_into_id:
        raise TicketError(
            f"ticket #{ticket.pk} was merged into #{ticket.merged_into_id}",
            field="ticket",
            code="merged",
        )
    # A message with a customer author is the customer's, even when an agent typed it in.
    by_agent = author_customer is None and author_user is not None and author_user.is_agent
    if internal and not by_agent:
        raise NotAllowed("only agents write internal notes", field="internal")
    if by_agent and not internal and author_user.role == Role.LIGHT_AGENT:  # type: ignore[union-attr]
        raise NotAllowed("light agents add internal notes only", field="internal")
    text, html = message.cleaned()
    files.check_sizes(message.attachments)
    now = at or clock.now()
    with audit.unit():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        created = compiled.insert(
            Message(
                ticket=locked,
                author_user=author_user,
                author_customer=author_customer,
                internal=internal,
                channel=channel,
                body_text=text,
                body_html=html,
                created_at=now,
            )
        )
        files.store(created, message.attachments)
        before = locked.status
        _apply_message(
            locked, by_agent=by_agent, internal=internal, at=now, text=text, staff=staff_response
        )
        audit.record(
            "message.added",
            "ticket",
            locked.pk,
            actor=author_user,
            data={
                "message": created.pk,
                "internal": internal,
                "channel": channel,
                "by": "agent" if by_agent else "customer",
            },
        )
        if locked.status != before:
            _record_status(locked, before, author_user, reason="message")
        hooks.run("message_added", locked, message=created, status_before=before)
        if by_agent and not internal:
            transaction.on_commit(lambda: tasks.notify_requester_of_reply.enqueue(created.pk))
    ticket.refresh_from_db()
    return created


def _apply_message(
    ticket: Ticket, *, by_agent: bool, internal: bool, at: datetime, text: str, staff: bool = True
) -> None:
    updates: dict[str, Any] = {"updated_at": at, "message_count": F("message_count") + 1}
    if not internal:
        updates["search_text"] = search.appended(ticket.search_text, text)
    if by_agent and not internal and not staff:
        updates["last_agent_message_at"] = at
        new_status = ticket.status
    elif by_agent and not internal:
        updates["last_agent_message_at"] = at
        if ticket.first_response_at is None:
            updates["first_response_at"] = at
        new_status = lifecycle.after_agent_reply(ticket.status)
    elif not by_agent:
        updates["last_customer_message_at"] = at
        new_status = lifecycle.after_customer_message(ticket.status)
    else:
        new_status = ticket.status
    if new_status != ticket.status:
        updates.update(_status_stamps(ticket, new_status, at))
    Ticket.objects.filter(pk=ticket.pk).update(**updates)
    ticket.refresh_from_db()


def _status_stamps(ticket: Ticket, status: str, at: datetime) -> dict[str, Any]:
    stamps: dict[str, Any] = {"status": status, "status_changed_at": at}
    if status == Status.SOLVED:
        stamps["solved_at"] = at
    if status == Status.CLOSED:
        stamps["closed_at"] = at
    if lifecycle.is_reopen(ticket.status, status):
        stamps.update(reopen_count=F("reopen_count") + 1, solved_at=None, closed_at=None)
    return stamps


def _record_status(ticket: Ticket, before: str, actor: User | None, *, reason: str) -> None:
    kind = (
        "ticket.reopened" if lifecycle.is_reopen(before, ticket.status) else "ticket.status_changed"
    )
    audit.record(
        kind,
        "ticket",
        ticket.pk,
        actor=actor,
        data={"from": before, "to": ticket.status, "reason": reason},
    )


def _attach_tags(ticket: Ticket, names: list[str]) -> list[str]:
    cleaned = sorted({_tag_name(n) for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=n) for n in cleaned if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    ticket.tags.set(existing.values())
    return cleaned


def _tag_name(raw: str) -> str:
    name = "-".join(raw.strip().lower().split())
    if len(name) > 64:
        raise TicketError(f"tag {raw!r} is longer than 64 characters", field="tags")
    return name


@dataclass
class TicketChanges:
    """A partial update; ``None`` means leave as is (use ``clear_*`` to empty a relation)."""

    subject: str | None = None
    status: str | None = None
    priority: str | None = None
    team: Team | None = None
    clear_team: bool = False
    assignee: User | None = None
    clear_assignee: bool = False
    tags: list[str] | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] | None = None
    add_collaborators: list[User] = field(default_factory=list)


def update_ticket(
    ticket: Ticket, changes: TicketChanges, *, actor: User | None, reason: str = ""
) -> Ticket:
    """Apply an agent's edits; each changed aspect gets its own audit event.

    ``actor=None`` is the system (routing, SLA actions, automation): it must say why in
    ``reason``, which the "updated" steps receive so they can tell it from a person's edit.
    """
    from helpmesh.conversations.permissions import can_edit_ticket

    if actor is None and not reason:
        raise NotAllowed("a system change must give a reason")
    if actor is not None and not can_edit_ticket(actor):
        raise NotAllowed("only agents and admins change tickets")
    now = clock.now()
    with audit.unit():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        status_before = locked.status
        changes = _keep_following(locked, changes, actor)
        changed = [
            _change_subject(locked, changes, actor),
            _change_priority(locked, changes, actor),
            _change_team(locked, changes, actor),
            _change_assignee(locked, changes, actor),
            _change_status(locked, changes, actor, now),
            _change_tags(locked, changes, actor),
            _change_fields(locked, changes, actor),
            _add_collaborators(locked, changes, actor),
        ]
        if any(changed):
            locked.updated_at = now
            locked.save()
            hooks.run(
                "updated",
                locked,
                changes=changes,
                actor=actor,
                reason=reason,
                status_before=status_before,
            )
    ticket.refresh_from_db()
    return ticket


def _change_subject(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    if changes.subject is None or changes.subject == ticket.subject:
        return False
    subject = " ".join(changes.subject.split())[:MAX_SUBJECT]
    if not subject:
        raise TicketError("subject cannot be empty", field="subject")
    audit.record(
        "ticket.subject_changed",
        "ticket",
        ticket.pk,
        actor=actor,
        data={"from": ticket.subject, "to": subject},
    )
    ticket.subject = subject
    return True


def _change_priority(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    if changes.priority is None or changes.priority == ticket.priority:
        return False
    if changes.priority not in Priority.values:
        raise TicketError(f"unknown priority {changes.priority!r}", field="priority")
    audit.record(
        "ticket.priority_changed",
        "ticket",
        ticket.pk,
        actor=actor,
        data={"from": ticket.priority, "to": changes.priority},
    )
    ticket.priority = changes.priority
    return True


def _change_team(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    team = None if changes.clear_team else changes.team
    if (team is None and not changes.clear_team) or getattr(team, "pk", None) == ticket.team_id:
        return False
    audit.record(
        "ticket.team_changed",
        "ticket",
        ticket.pk,
        actor=actor,
        data={"from": ticket.team_id, "to": team.pk if team else None},
    )
    ticket.team = team
    if ticket.assignee_id and team and not _is_member(ticket.assignee_id, team.pk):
        # The assignee does not work in the new team: hand the ticket to the team's queue.
        audit.record(
            "ticket.unassigned",
            "ticket",
            ticket.pk,
            actor=actor,
            data={"from": ticket.assignee_id, "reason": "team changed"},
        )
        ticket.assignee = None
    return True


def _is_member(user_id: int, team_id: int) -> bool:
    return TeamMembership.objects.filter(user_id=user_id, team_id=team_id).exists()


def _change_assignee(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    assignee = None if changes.clear_assignee else changes.assignee
    if (assignee is None and not changes.clear_assignee) or getattr(
        assignee, "pk", None
    ) == ticket.assignee_id:
        return False
    if assignee is not None:
        if assignee.role not in (Role.AGENT, Role.ADMIN) or not assignee.is_active:
            raise TicketError(f"{assignee.email} cannot be assigned tickets", field="assignee_id")
        if ticket.team_id and not _is_member(assignee.pk, ticket.team_id):
            raise TicketError(
                f"{assignee.email} is not in team {ticket.team}",
                field="assignee_id",
                code="not_in_team",
            )
    audit.record(
        "ticket.assigned",
        "ticket",
        ticket.pk,
        actor=actor,
        data={"from": ticket.assignee_id, "to": assignee.pk if assignee else None},
    )
    ticket.assignee = assignee
    return True


def _change_status(
    ticket: Ticket, changes: TicketChanges, actor: User | None, now: datetime
) -> bool:
    target = changes.status
    if target is None or target == ticket.status:
        return False
    if target not in Status.values:
        raise TicketError(f"unknown status {target!r}", field="status")
    if not lifecycle.can_move(ticket.status, target):
        raise TicketError(
            f"a {ticket.status} ticket cannot become {target}",
            field="status",
            code="bad_transition",
        )
    before = ticket.status
    for key, value in _status_stamps(ticket, target, now).items():
        setattr(ticket, key, value)
    _record_status(ticket, before, actor, reason="agent")
    return True


def _change_tags(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    current = set(ticket.tags.values_list("name", flat=True))
    wanted = set(
        current if changes.tags is None else {_tag_name(t) for t in changes.tags if t.strip()}
    )
    wanted |= {_tag_name(t) for t in changes.add_tags if t.strip()}
    wanted -= {_tag_name(t) for t in changes.remove_tags if t.strip()}
    if wanted == current:
        return False
    _attach_tags(ticket, sorted(wanted))
    audit.record(
        "ticket.tags_changed",
        "ticket",
        ticket.pk,
        actor=actor,
        data={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
    )
    return True


def _change_fields(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    if not changes.custom_fields:
        return False
    cleaned = custom_fields.validate(changes.custom_fields, ticket.team_id, partial=True)
    merged = {**ticket.custom_fields, **cleaned}
    if merged == ticket.custom_fields:
        return False
    audit.record("ticket.fields_changed", "ticket", ticket.pk, actor=actor, data=cleaned)
    ticket.custom_fields = merged
    return True


def _keep_following(ticket: Ticket, changes: TicketChanges, actor: User | None) -> TicketChanges:
    """An agent who hands a ticket on (another assignee, a team they are not in) keeps reading
    it as a follower (a collaborator), instead of meeting a bare 404 on the next click."""
    if actor is None or actor.role == Role.ADMIN:
        return changes  # the system has no access to keep; admins see every ticket anyway
    team_id = None if changes.clear_team else (changes.team.pk if changes.team else ticket.team_id)
    if changes.clear_assignee:
        assignee_id = None
    else:
        assignee_id = changes.assignee.pk if changes.assignee else ticket.assignee_id
    moved = (team_id, assignee_id) != (ticket.team_id, ticket.assignee_id)
    still_sees = (
        team_id is None
        or assignee_id == actor.pk
        or TeamMembership.objects.filter(user=actor, team_id=team_id).exists()
    )
    if not moved or still_sees:
        return changes
    return replace(changes, add_collaborators=[*changes.add_collaborators, actor])


def _add_collaborators(ticket: Ticket, changes: TicketChanges, actor: User | None) -> bool:
    current = set(ticket.collaborators.values_list("pk", flat=True))
    new = [u for u in changes.add_collaborators if u.pk not in current and u.is_agent]
    if not new:
        return False
    ticket.collaborators.add(*new)
    audit.record(
        "ticket.collaborators_added",
        "ticket",
        ticket.pk,
        actor=actor,
        data={"added": sorted(u.pk for u in new)},
    )
    return True


def bulk_update(tickets: list[Ticket], changes: TicketChanges, *, actor: User) -> list[TicketError]:
    """Apply the same change to several tickets; returns the errors of those that refused."""
    errors = []
    for ticket in tickets:
        try:
            update_ticket(ticket, changes, actor=actor)
        except TicketError as exc:
            exc.message = f"#{ticket.pk}: {exc.message}"
            errors.append(exc)
    return errors
