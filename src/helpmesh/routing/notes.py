"""Internal notes that routing leaves on a ticket (follow-the-sun handoffs, automatic
escalations), written by a system agent so the timeline says who wrote them
(docs/adr/0022-routing-system-author.md)."""

from __future__ import annotations

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import User
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Message, Ticket
from helpmesh.routing.snapshots import SYSTEM_DOMAIN

ROUTING_EMAIL = f"routing{SYSTEM_DOMAIN}"


def routing_agent() -> User:
    """The author of routing's notes: an agent in no team, so never routed to; made once."""
    return accounts.system_agent(ROUTING_EMAIL, "Routing")


def add_note(ticket: Ticket, text: str) -> Message:
    """Leave ``text`` as an internal note by the routing agent.

    Internal notes are hidden from customers, meet and start no SLA clock, and run no routing
    (``message_added`` only feeds the SLA clocks, which ignore internal notes).
    """
    return tickets.add_message(
        ticket,
        tickets.NewMessage(text),
        channel=ticket.channel,
        author_user=routing_agent(),
        internal=True,
    )
