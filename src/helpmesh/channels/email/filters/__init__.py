"""Inbound mail filters: an ordered list of small functions over one ``Context``.

Each filter reads the parsed mail and what earlier filters decided, and may set fields (the
ticket to thread onto, the real sender of a forward, the participants) or stop the mail with
``ignore`` (kept, not a ticket message) or ``quarantine`` (kept for an admin, with the reason).
Modelled on Zammad's Channel::Filter chain; each module has its own test in tests/email/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from helpmesh.accounts.models import User
from helpmesh.channels.email.headers import Address
from helpmesh.channels.email.models import Mailbox
from helpmesh.channels.email.parser import ParsedMail
from helpmesh.conversations.models import Ticket

IGNORE = "ignore"
QUARANTINE = "quarantine"


@dataclass
class Context:
    """The shared state of one mail passing through the filters."""

    mail: ParsedMail
    mailbox: Mailbox | None = None
    retry: bool = False  # an admin retrying a quarantined mail: no rate limit
    sender: Address | None = None
    entered_by: User | None = None
    subject: str = ""
    body_text: str = ""
    ticket: Ticket | None = None
    follow_up_of: Ticket | None = None
    cc: list[Address] = field(default_factory=list)
    automatic: bool = False  # never answer automatically
    outcome: str = ""
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    # Whether we sent a message with this Message-ID; None = not looked up yet (own_message
    # asks then). services.ingest answers it with its exactly-once look-up, in the same query.
    sent_by_us: bool | None = None
    # Messages received per sender address (lower case) in the last hour, prefetched once for a
    # whole batch and counted up as it goes (filters.loop); None = ask the database.
    recent_by_sender: dict[str, int] | None = None

    def our_addresses(self) -> frozenset[str]:
        """Our sending addresses (cached per process for a few seconds)."""
        from helpmesh.channels.email import addresses

        return addresses.ours()

    def stop(self, outcome: str, reason: str) -> None:
        """End the chain: ``IGNORE`` or ``QUARANTINE``, with a reason an admin can read."""
        self.outcome, self.reason = outcome, reason


Filter = Callable[[Context], None]


def chain() -> list[Filter]:
    """The filters in the order they run."""
    from helpmesh.channels.email.filters import (
        agent_forward,
        bounce,
        follow_up,
        loop,
        own_message,
        participants,
        sender,
        size_limit,
        thread_headers,
        thread_subject,
    )

    return [
        size_limit.check,
        own_message.check,
        bounce.check,
        sender.check,
        loop.check,
        agent_forward.check,
        thread_headers.check,
        thread_subject.check,
        follow_up.check,
        participants.check,
    ]


def run(context: Context, filters: list[Filter] | None = None) -> Context:
    """Pass ``context`` through the filters until one stops it."""
    mail = context.mail
    context.sender = context.sender or mail.sender
    context.subject = context.subject or mail.subject
    context.body_text = context.body_text or mail.text
    context.automatic = context.automatic or mail.auto_submitted
    for step in chain() if filters is None else filters:
        step(context)
        if context.outcome:
            break
    return context
