"""Inbox queries: which tickets a view shows, filtered, sorted and paged in fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from helpmesh.accounts.models import User
from helpmesh.accounts.services import team_ids_of
from helpmesh.conversations import agent_search
from helpmesh.conversations.models import Priority, Ticket
from helpmesh.conversations.permissions import visible_tickets
from helpmesh.customers.models import CustomerIdentity
from helpmesh.routing import sla

PAGE_SIZE = 50
COUNT_CAP = 999  # sidebar counts stop here: counting 100k rows on every page view is not cheap
VIEWS = ("mine", "unassigned", "teams", "all")
PRIORITY_RANK = Case(
    *(When(priority=p, then=Value(rank)) for rank, p in enumerate(Priority.values)),
    default=Value(0),
    output_field=IntegerField(),
)
SORTS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "priority": ("-priority_rank", "-updated_at", "-id"),
    "due": (),  # routing.sla.order_by_due: next SLA due time first, tickets without one last
}


def in_view(tickets: QuerySet[Ticket], view: str, user: User, team_ids: list[int]) -> QuerySet:
    """Narrow visible tickets to one sidebar view."""
    if view == "mine":
        return tickets.filter(assignee=user)
    if view == "unassigned":
        return tickets.filter(assignee__isnull=True)
    if view == "teams":
        return tickets.filter(team_id__in=team_ids)
    return tickets


def filtered(tickets: QuerySet[Ticket], f: dict[str, Any], user: User) -> QuerySet[Ticket]:
    """Apply the inbox filters (a cleaned InboxFilters) and the agents' search (which raises
    TicketError naming ``q`` for an operator it cannot read)."""
    for name in ("status", "priority", "channel"):
        if f.get(name):
            tickets = tickets.filter(**{name: f[name]})
    if f.get("team"):
        tickets = tickets.filter(team=f["team"])
    if f.get("tag"):
        tickets = tickets.filter(tags__name=f["tag"].strip().lower())
    if f.get("q"):
        tickets = agent_search.matching(tickets, f["q"], user)
    return tickets


def sorted_by(tickets: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """Order a page; priority sorts by rank (urgent first), not alphabetically."""
    if sort == "due":
        return sla.order_by_due(tickets)
    if sort == "priority":
        tickets = tickets.annotate(priority_rank=PRIORITY_RANK)
    return tickets.order_by(*SORTS.get(sort, SORTS["updated"]))


def for_list(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Load everything a row shows in a fixed number of queries, whatever the page size."""
    return tickets.select_related("requester", "team", "assignee").prefetch_related(
        "tags",
        Prefetch(
            "requester__identities", queryset=CustomerIdentity.objects.order_by("-is_primary")
        ),
    )


@dataclass
class Page:
    rows: list[Ticket]
    number: int
    has_next: bool
    slas: dict[int, dict[str, Any]] = field(default_factory=dict)  # ticket id -> due times

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page(tickets: QuerySet[Ticket], number: int) -> Page:
    """One page of 50; fetching one extra row tells whether there is a next page without count().

    The SLA column's due times come in one more query for the whole page.
    """
    start = (number - 1) * PAGE_SIZE
    rows = list(for_list(tickets)[start : start + PAGE_SIZE + 1])
    shown = rows[:PAGE_SIZE]
    slas = sla.due_times_for([t.pk for t in shown]) if shown else {}
    return Page(shown, number, len(rows) > PAGE_SIZE, slas)


def capped_count(tickets: QuerySet[Ticket]) -> str:
    """How many tickets, as "999+" beyond the cap (a LIMIT-ed subquery keeps it cheap)."""
    n = tickets.order_by()[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def inbox(user: User, f: dict[str, Any]) -> tuple[QuerySet[Ticket], dict[str, str]]:
    """The tickets of the chosen view with filters applied, and the open count of every view."""
    base = visible_tickets(user)
    team_ids = team_ids_of(user)
    counts = {
        v: capped_count(in_view(base, v, user, team_ids).exclude(status__in=["solved", "closed"]))
        for v in VIEWS
    }
    view = f.get("view") or "all"
    tickets = sorted_by(filtered(in_view(base, view, user, team_ids), f, user), f.get("sort") or "")
    if f.get("q"):  # the ticket of that number and the named requester's tickets come first
        tickets = agent_search.ranked(tickets, f["q"])
    return tickets, counts
