"""What the search index holds and what a search returns: plain values, no ORM rows.

Every source of answers (knowledge articles, accepted community answers) hands the index a
``Document`` through ``search.services.index_document``; the index never imports its sources.
"""

from __future__ import annotations

from dataclasses import dataclass


class Audience:
    """Who may find a document. Checked inside the search (SQL and vector index), never after."""

    PUBLIC = "public"  # anyone, signed in or not
    CUSTOMERS = "customers"  # signed-in customers and staff
    AGENTS = "agents"  # staff only
    ALL = (PUBLIC, CUSTOMERS, AGENTS)


@dataclass(frozen=True)
class Document:
    """One searchable answer: an article, or a community topic with its accepted answer.

    ``group`` restricts a document to the members of one private group (a community category);
    empty means no group restriction beyond ``audience``. ``boost`` > 1 ranks it higher
    (solved topics); ``language`` is an ISO code or empty.
    """

    kind: str
    object_id: int
    title: str
    body: str
    url: str
    audience: str = Audience.PUBLIC
    group: str = ""
    language: str = ""
    boost: float = 1.0


@dataclass(frozen=True)
class Hit:
    """One result, best first. ``semantic`` is the cosine similarity of the query and the
    document (None without the ``ml`` extra); ``lexical`` its full-text rank (1 = best, None:
    no word matched). ``score`` is the fused score results are ordered by."""

    kind: str
    id: int
    title: str
    snippet: str
    url: str
    score: float
    semantic: float | None = None
    lexical: int | None = None
