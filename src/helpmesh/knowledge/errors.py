"""What a knowledge service says when it refuses a change."""

from __future__ import annotations


class KnowledgeError(Exception):
    """A refused change, naming the input at fault (``field``) with a stable ``code``."""

    def __init__(self, message: str, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


def required(value: str, field: str) -> str:
    """``value`` stripped, or a refusal naming ``field`` when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise KnowledgeError(f"{field} must not be empty", field, "required")
    return value
