"""A reply to a closed ticket reopens it, or opens a linked follow-up (per mailbox setting)."""

from __future__ import annotations

from helpmesh.channels.email.filters import Context
from helpmesh.channels.email.models import FollowUp
from helpmesh.conversations.models import Status


def check(context: Context) -> None:
    """Turn a reply to a closed ticket into a follow-up when the mailbox asks for that."""
    ticket = context.ticket
    if ticket is None or ticket.status != Status.CLOSED:
        return
    policy = context.mailbox.follow_up if context.mailbox else FollowUp.REOPEN
    if policy == FollowUp.FOLLOW_UP:
        context.follow_up_of, context.ticket = ticket, None
