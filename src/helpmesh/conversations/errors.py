"""Errors the ticket services raise; faces map ``code`` and ``field`` to their own answers."""

from __future__ import annotations


class TicketError(Exception):
    """A request that cannot be done as asked; ``field`` names the offending input."""

    status = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


class NotAllowed(TicketError):
    """The actor may not do this to this ticket."""

    status = 403

    def __init__(self, message: str = "not allowed", *, field: str = "") -> None:
        super().__init__(message, field=field, code="forbidden")


class InboundRejected(TicketError):
    """An inbound contact could not be processed; its raw form is quarantined, not lost."""

    def __init__(self, message: str, *, contact_id: int, field: str = "") -> None:
        super().__init__(message, field=field, code="quarantined")
        self.contact_id = contact_id
