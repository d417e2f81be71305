"""Solved tickets as search results, for staff only: past answers to the same question."""

from __future__ import annotations

import numpy as np

from helpmesh.accounts.models import User
from helpmesh.conversations import search as ticket_search
from helpmesh.conversations.models import Status, Ticket
from helpmesh.conversations.permissions import visible_tickets
from helpmesh.search import fulltext, ranking
from helpmesh.search.documents import Hit
from helpmesh.search.embeddings import encoder
from helpmesh.search.snippets import snippet

SOLVED_TICKETS = 5


def solved(text: str, query: np.ndarray | None, viewer: User) -> list[Hit]:
    """The solved or closed tickets ``viewer`` may see that best match ``text``."""
    if not viewer.is_agent:
        return []
    tickets = visible_tickets(viewer).filter(status__in=[Status.SOLVED, Status.CLOSED])
    ids = ticket_search.ranked_any(tickets, fulltext.terms(text), limit=SOLVED_TICKETS * 4)
    if not ids:
        return []
    found = {
        t.pk: t for t in Ticket.objects.filter(pk__in=ids).only("pk", "subject", "search_text")
    }
    rows = [found[pk] for pk in ids if pk in found]
    semantic = _semantic(query, [t.subject for t in rows])
    evidence = [
        ranking.Evidence(t.pk, semantic[i], 1.0 / (i + 1), i + 1) for i, t in enumerate(rows)
    ]
    hits = []
    for item, score in ranking.fuse(evidence)[:SOLVED_TICKETS]:
        ticket = found[item.key]
        hits.append(
            Hit(
                "ticket",
                ticket.pk,
                f"#{ticket.pk} {ticket.subject}",
                snippet(ticket.search_text, text),
                f"/inbox/tickets/{ticket.pk}/",
                round(score * 0.9, 4),
                item.semantic,
                item.lexical_rank,
            )
        )
    return hits


def _semantic(query: np.ndarray | None, subjects: list[str]) -> list[float | None]:
    model = encoder() if query is not None else None
    if model is None or query is None:
        return [None] * len(subjects)
    return [float(v @ query) for v in model.embed(subjects)]
