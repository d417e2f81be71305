"""What a community service says when it refuses something."""

from __future__ import annotations

# The HTTP status each refusal maps to at the API (and the status a web view answers with).
STATUS = {
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "rate_limited": 429,
    "silenced": 403,
    "suspended": 403,
}


class CommunityError(Exception):
    """A refused action, naming the input at fault (``field``) with a stable ``code``."""

    def __init__(self, message: str, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.field, self.code = message, field, code

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)


def required(value: str, field: str) -> str:
    """``value`` stripped, or a refusal naming ``field`` when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise CommunityError(f"{field} must not be empty", field, "required")
    return value
