"""Everyone copied (To and Cc, minus us, agents and the sender) becomes a participant."""

from __future__ import annotations

from helpmesh.channels.email import addresses
from helpmesh.channels.email.filters import Context


def check(context: Context) -> None:
    """Collect the copied customers; the pipeline makes them participants."""
    if context.automatic:
        return  # a list or an auto-responder does not get to add people to a ticket
    people = [*context.mail.to, *context.mail.cc]
    sender = context.sender.address.lower() if context.sender else ""
    skip = {sender} | context.our_addresses() | addresses.agents_among([p.address for p in people])
    seen: set[str] = set()
    for person in people:
        address = person.address.lower()
        if address in seen or address in skip:
            continue
        seen.add(address)
        context.cc.append(person)
