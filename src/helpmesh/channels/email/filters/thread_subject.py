"""Threading by a ``[#1234]`` token in the subject, only for a participant of that ticket.

A token from anyone else never appends (anyone can type a ticket number): a new ticket opens.
"""

from __future__ import annotations

import re

from helpmesh.channels.email import addresses
from helpmesh.channels.email.filters import Context
from helpmesh.conversations.models import Ticket

TOKEN = re.compile(r"\[#(\d{1,12})\]")


def check(context: Context) -> None:
    """Thread by the subject token when headers did not, and the sender takes part."""
    if context.ticket is not None or context.sender is None:
        return
    for number in TOKEN.findall(context.subject):
        ticket = Ticket.objects.filter(pk=int(number)).first()
        while ticket is not None and ticket.merged_into_id:
            ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first()
        if ticket is None:
            continue
        if addresses.takes_part(ticket, context.sender.address):
            context.ticket = ticket
            return
        context.notes.append(f"subject names #{number}; the sender is not part of it")
