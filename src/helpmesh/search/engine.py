"""The one search every face uses: help center, portal form, bot, inbox, API and CLI.

    search(text, viewer=..., kinds=..., limit=...) -> Results(hits, query_id)

1. the viewer's scope (audiences, private groups) is fixed first and applied inside every
   step (full-text SQL, per-audience vector indexes, the final row load), never after;
2. lexical candidates (full-text, stemmed) and semantic candidates (MiniLM, vector index);
3. each candidate's exact semantic score from its stored embedding, then ``ranking.fuse``;
4. for staff, solved tickets that match, ranked the same way;
5. the query, its results and (later) clicks and outcome are logged for the content-gap report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from helpmesh.accounts.models import User
from helpmesh.search import fulltext, ranking, services, tickets, vectors
from helpmesh.search.documents import Audience, Hit
from helpmesh.search.embeddings import embed_query
from helpmesh.search.fulltext import TABLE, Scope
from helpmesh.search.snippets import snippet

CANDIDATES = 100
# A document sharing no word with the query must be at least this close in meaning to be shown:
# below it, MiniLM's cosine is what unrelated sentences score (~0.0-0.2).
MIN_SEMANTIC = 0.25
DOCUMENT_KINDS = ("article", "topic")


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    query_id: int | None = None


def scope_for(viewer: User | None, kinds: tuple[str, ...] = ()) -> Scope:
    """What ``viewer`` may find: staff everything, customers public and signed-in content
    plus their private groups, anyone else public content only."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return Scope((Audience.PUBLIC,), (), kinds)
    if viewer.is_agent:
        return Scope(Audience.ALL, None, kinds)
    return Scope((Audience.PUBLIC, Audience.CUSTOMERS), groups_of(viewer), kinds)


def groups_of(user: User) -> tuple[str, ...]:
    """The private groups a customer belongs to, from the function settings name (community)."""
    path = getattr(settings, "HELPMESH_SEARCH_GROUPS", "")
    return tuple(import_string(path)(user)) if path else ()


def search(
    text: str,
    *,
    viewer: User | None = None,
    kinds: Sequence[str] | None = None,
    limit: int = 10,
    source: str = "api",
    log: bool = True,
    only: list[int] | None = None,
) -> Results:
    """The documents (and, for staff, solved tickets) best answering ``text``, best first.

    ``kinds`` narrows to ``article``, ``topic`` and/or ``ticket``; ``only`` (with one document
    kind) re-ranks just those objects (``helpmesh similar rank --candidates``).
    """
    text = text.strip()[:500]
    wanted = tuple(kinds or ())
    doc_kinds = tuple(k for k in wanted if k != "ticket") if wanted else ()
    hits: list[Hit] = []
    query = embed_query(text) if text else None
    if text and (not wanted or doc_kinds):
        scope = scope_for(viewer, doc_kinds)
        if only is not None:
            scope = Scope(scope.audiences, scope.groups, scope.kinds, tuple(only) or (-1,))
        hits = _documents(text, query, scope, limit)
    if text and viewer is not None and viewer.is_agent and (not wanted or "ticket" in wanted):
        hits = sorted(hits + tickets.solved(text, query, viewer), key=lambda h: -h.score)
        hits = hits[:limit]
    query_id = None
    if log and text:
        query_id = services.log_query(text, hits, viewer=viewer, source=source)
    return Results(hits, query_id)


def _documents(text: str, query, scope: Scope, limit: int) -> list[Hit]:
    lexical = fulltext.lexical(text, scope, CANDIDATES)
    ranks = {pk: (rank, score) for rank, (pk, score) in enumerate(lexical, start=1)}
    if scope.object_ids:
        keys = None  # re-rank every object named: all of them are candidates
    else:
        semantic = vectors.CATALOG.nearest(query, scope, CANDIDATES) if query is not None else []
        keys = list(dict.fromkeys([*ranks, *(pk for pk, _ in semantic)]))
        if not keys:
            return []
    rows = _load(scope, keys)
    scores = vectors.exact_scores(query, [r[6] for r in rows]) if query is not None else None
    evidence = [
        ranking.Evidence(
            row[0],
            scores[i] if scores else None,
            ranks.get(row[0], (None, None))[1],
            ranks.get(row[0], (None, None))[0],
            row[7],
        )
        for i, row in enumerate(rows)
    ]
    if not scope.object_ids:
        evidence = [e for e in evidence if e.lexical_rank or (e.semantic or 0) >= MIN_SEMANTIC]
    by_pk = {row[0]: row for row in rows}
    return [
        _hit(by_pk[item.key], score, item, text) for item, score in ranking.fuse(evidence)[:limit]
    ]


def _load(scope: Scope, keys: list[int] | None) -> list[tuple]:
    """The candidates' rows, filtered by the scope again in SQL (visibility lives here too)."""
    where, params = scope.where()
    if keys is not None:
        where += f" AND d.id IN ({', '.join(['%s'] * len(keys))})"
        params += keys
    sql = (
        "SELECT d.id, d.kind, d.object_id, d.title, d.body, d.url, d.embedding, d.boost "  # noqa: S608
        f"FROM {TABLE} d WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _hit(row: tuple, score: float, item: ranking.Evidence, text: str) -> Hit:
    _, kind, object_id, title, body, url, _, _ = row
    return Hit(
        kind,
        int(object_id),
        title,
        snippet(body, text),
        url,
        round(score, 4),
        None if item.semantic is None else round(item.semantic, 4),
        item.lexical_rank,
    )
