"""Who may see and change which tickets. Every face (API, inbox, portal) asks here.

- An admin sees every ticket.
- An agent or light agent sees tickets of their teams, tickets with no team yet (the shared
  queue), and tickets they are assigned to or collaborate on.
- A customer sees tickets they requested or were copied on, and their organization's tickets
  where the organization shares them. Customers never see internal notes.
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from helpmesh.accounts.models import Role, User
from helpmesh.accounts.services import team_ids_of
from helpmesh.conversations.models import Message, Ticket
from helpmesh.customers.models import Customer


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """The tickets ``user`` may see."""
    tickets = Ticket.objects.all()
    if not user.is_authenticated or not user.is_active:
        return tickets.none()
    if user.role == Role.ADMIN:
        return tickets
    if user.is_agent:
        mine = (
            Q(team_id__in=team_ids_of(user))
            | Q(team__isnull=True)
            | Q(assignee=user)
            | Q(pk__in=Ticket.collaborators.through.objects.filter(user=user).values("ticket_id"))
        )
        # Wrapped in CASE so no planner turns the OR into an index union: SQLite would then
        # collect and sort every visible ticket to return one page (95 ms at 100k tickets);
        # walking the recency index with the condition as a filter stops at the page size.
        visible = Case(
            When(mine, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        return tickets.alias(_visible=visible).filter(_visible=True)
    customer = Customer.objects.filter(user=user).select_related("organization").first()
    if customer is None:
        return tickets.none()
    mine = Q(requester=customer) | Q(participants=customer)
    if customer.organization_id and customer.organization and customer.organization.shares_tickets:
        mine |= Q(organization_id=customer.organization_id)
    return tickets.filter(pk__in=Ticket.objects.filter(mine).values("pk"))


def visible_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages of ``ticket`` that ``user`` may read (customers never see internal notes)."""
    messages = ticket.messages.all()
    return messages if user.is_agent else messages.filter(internal=False)


def can_reply_publicly(user: User) -> bool:
    """Light agents add internal notes only."""
    return user.role in (Role.ADMIN, Role.AGENT, Role.CUSTOMER)


def can_edit_ticket(user: User) -> bool:
    """Changing status, assignee, team, priority, tags and fields is for agents and admins."""
    return user.role in (Role.ADMIN, Role.AGENT)
