"""Tickets about an incident: linked when they arrive (a step in HELPMESH_TICKET_HOOKS
"received", after routing), answered with the incident's current status, and told when it is
resolved. Agents link and unlink by hand through the same functions.

A new ticket matches an open incident that started no earlier than ``LEAD`` before it when its
triage intent is one of the incident's intents, when it names one of the incident's components,
or when it uses most of the significant words of the incident's title.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import User
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Message, Ticket
from helpmesh.core import audit, clock, config_cache
from helpmesh.proactive.models import Incident, IncidentStatus, IncidentTicket

PROACTIVE_EMAIL = "status@helpmesh.invalid"
# Tickets written a little before the incident was opened are usually the first signs of it.
LEAD = timedelta(minutes=30)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "with",
        "from",
        "that",
        "this",
        "have",
        "been",
        "into",
        "will",
        "your",
        "about",
        "there",
        "their",
        "what",
        "when",
    ]
)


def status_agent() -> User:
    """The author of the proactive notes and replies: a system agent in no team."""
    return accounts.system_agent(PROACTIVE_EMAIL, "Status")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 3 and w not in _STOP}


def match_reason(incident: Incident, ticket: Ticket, text: str) -> str:
    """Why the ticket is about the incident ("" when it is not)."""
    intent = str((ticket.custom_fields or {}).get("intent") or "").lower()
    if intent and intent in incident.intents:
        return f"intent {intent}"
    lowered = text.lower()
    for component in incident.components.all():
        if re.search(rf"\b{re.escape(component.name.lower())}\b", lowered):
            return f"component {component.name}"
    title = _words(incident.title)
    if len(title) >= 2 and len(title & _words(text)) / len(title) >= 0.6:
        return "similar wording"
    return ""


OPEN_KEY = "proactive.any_open"


def any_open() -> bool:
    """Whether any incident is open: read through the configuration cache, so intake pays no
    query per ticket on a quiet day (an incident opened in another process is seen within the
    cache's seconds; one opened here at once: ``services`` forgets the entry)."""
    return config_cache.cached(
        OPEN_KEY, lambda: Incident.objects.exclude(status=IncidentStatus.RESOLVED).exists()
    )


def candidates(at: Any) -> list[Incident]:
    """Open incidents a ticket arriving ``at`` may be about."""
    return [
        i
        for i in Incident.objects.exclude(status=IncidentStatus.RESOLVED)
        .filter(opened_at__lte=at + LEAD)
        .prefetch_related("components")
        if i.scheduled_for is None or i.scheduled_for <= at
    ]


def link_new_ticket(
    ticket: Ticket, *, created_ticket: bool = False, message: Message | None = None, **context: Any
) -> None:
    """The "received" step: link a new ticket to the incident it is about, and answer it."""
    if not created_ticket or not any_open():
        return
    text = f"{ticket.subject}\n{message.body_text if message else ''}"
    for incident in candidates(ticket.created_at):
        reason = match_reason(incident, ticket, text)
        if reason:
            link(incident, ticket, reason=reason)
            return


def link(incident: Incident, ticket: Ticket, *, reason: str, actor: User | None = None) -> bool:
    """Link ``ticket`` to ``incident``, leave a note for agents and answer the customer with
    the current status. False when it was linked already."""
    if IncidentTicket.objects.filter(incident=incident, ticket=ticket).exists():
        return False
    with audit.unit():
        IncidentTicket.objects.create(
            incident=incident, ticket=ticket, reason=reason, linked_at=clock.now()
        )
        audit.record(
            "ticket.incident_linked",
            "ticket",
            ticket.pk,
            actor=actor,
            data={"incident": incident.pk, "reason": reason},
        )
        author = status_agent()
        tickets.add_message(
            ticket,
            tickets.NewMessage(
                f'Linked to incident #{incident.pk} "{incident.title}" ({reason}). '
                "The customer was sent the current status; they get a final update when it "
                "is resolved."
            ),
            channel=ticket.channel,
            author_user=author,
            internal=True,
        )
        tickets.add_message(
            ticket,
            tickets.NewMessage(_status_reply(incident)),
            channel=ticket.channel,
            author_user=author,
            staff_response=False,
        )
    return True


def unlink(incident: Incident, ticket: Ticket, *, actor: User) -> bool:
    """Take the ticket off the incident (an agent's call); False when it was not linked."""
    with audit.unit():
        deleted, _ = IncidentTicket.objects.filter(incident=incident, ticket=ticket).delete()
        if deleted:
            audit.record(
                "ticket.incident_unlinked",
                "ticket",
                ticket.pk,
                actor=actor,
                data={"incident": incident.pk},
            )
    return bool(deleted)


def _status_reply(incident: Incident) -> str:
    latest = incident.updates.order_by("-created_at", "-id").first()
    lines = [
        f"Thank you for writing. We know about this problem: {incident.title}.",
        f"Current status: {incident.get_status_display()}.",
    ]
    if latest:
        lines.append(f"Latest update: {latest.body}")
    lines.append("We will write to you here as soon as it is resolved.")
    return "\n\n".join(lines)


def final_updates(incident: Incident) -> int:
    """Tell every linked ticket that the incident is resolved (once each); returns how many."""
    author = status_agent()
    latest = incident.updates.order_by("-created_at", "-id").first()
    text = f"Good news: the problem is resolved ({incident.title})."
    if latest:
        text += f"\n\n{latest.body}"
    text += "\n\nIf anything still does not work for you, just reply to this message."
    done = 0
    links = incident.ticket_links.filter(final_update_at__isnull=True).select_related("ticket")
    for row in links:
        if row.ticket.merged_into_id:
            continue
        tickets.add_message(
            row.ticket,
            tickets.NewMessage(text),
            channel=row.ticket.channel,
            author_user=author,
            staff_response=False,
        )
        IncidentTicket.objects.filter(pk=row.pk).update(final_update_at=clock.now())
        done += 1
    return done


def solve_linked(incident: Incident, *, actor: User) -> int:
    """Solve every linked ticket that is not solved yet (after a resolution); returns how many."""
    rows = list(
        Ticket.objects.filter(
            pk__in=incident.ticket_links.values("ticket_id"), merged_into__isnull=True
        ).exclude(status__in=["solved", "closed"])
    )
    errors = tickets.bulk_update(rows, tickets.TicketChanges(status="solved"), actor=actor)
    return len(rows) - len(errors)
