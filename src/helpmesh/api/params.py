"""Bounded numbers for query parameters: out of range is a 422 naming the parameter, not a 500.

The databases store ids as signed 64-bit integers; SQLite cannot even bind a larger Python int.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field

MAX_ID = 2**63 - 1
MAX_LIMIT = 200

# An id to filter by (0 is allowed: ``assignee=0`` means unassigned, elsewhere it matches none).
IdFilter = Annotated[int, Field(ge=0, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_ID)]

# A page size, as docs/api.md promises.
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
