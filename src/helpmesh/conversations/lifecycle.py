"""The status lifecycle: which moves are allowed, and what a message does to the status."""

from __future__ import annotations

from helpmesh.conversations.models import Status

ALLOWED_MOVES: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED},
    Status.OPEN: {Status.PENDING, Status.ON_HOLD, Status.SOLVED},
    Status.PENDING: {Status.OPEN, Status.ON_HOLD, Status.SOLVED},
    Status.ON_HOLD: {Status.OPEN, Status.PENDING, Status.SOLVED},
    Status.SOLVED: {Status.OPEN, Status.CLOSED},  # open again = a reopen
    Status.CLOSED: {Status.OPEN},  # a reopen
}


def can_move(current: str, target: str) -> bool:
    """True when a ticket in ``current`` may be moved to ``target``."""
    return target == current or target in ALLOWED_MOVES.get(current, set())


def is_reopen(current: str, target: str) -> bool:
    return current in (Status.SOLVED, Status.CLOSED) and target == Status.OPEN


def after_customer_message(current: str) -> str:
    """A customer writing back wakes the ticket: anything but new becomes open."""
    return current if current == Status.NEW else Status.OPEN


def after_agent_reply(current: str) -> str:
    """An agent's first public reply takes a new ticket to open; other statuses stay."""
    return Status.OPEN if current == Status.NEW else current
