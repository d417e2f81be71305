"""Full-text ticket search on the database's own engine: FTS5 on SQLite, tsvector on PostgreSQL.

The indexed text is ``Ticket.search_text`` (subject plus public messages, capped). The index
itself lives outside the Django model (created by migration 0002 with ``install``), so model
changes never touch it; see docs/search.md.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

MAX_DOCUMENT = 20_000  # characters kept per ticket: enough for any real conversation's words
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE conversations_ticket_fts USING fts5("
    "search_text, content='conversations_ticket', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER conversations_ticket_fts_ai AFTER INSERT ON conversations_ticket BEGIN "
    "INSERT INTO conversations_ticket_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER conversations_ticket_fts_ad AFTER DELETE ON conversations_ticket BEGIN "
    "INSERT INTO conversations_ticket_fts(conversations_ticket_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER conversations_ticket_fts_au "
    "AFTER UPDATE OF search_text ON conversations_ticket BEGIN "
    "INSERT INTO conversations_ticket_fts(conversations_ticket_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO conversations_ticket_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
]
POSTGRES_INSTALL = [
    "ALTER TABLE conversations_ticket ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search_text, ''))) STORED",
    "CREATE INDEX conversations_ticket_search ON conversations_ticket USING GIN (search_vector)",
]


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the full-text index for the connected database (called by a migration)."""
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def document(subject: str, body: str) -> str:
    """The searchable text of a new ticket."""
    return f"{subject}\n{body}"[:MAX_DOCUMENT]


def appended(current: str, text: str) -> str:
    """The searchable text after one more message (the oldest words win when it is full)."""
    if len(current) >= MAX_DOCUMENT:
        return current
    return f"{current}\n{text}"[:MAX_DOCUMENT]


def terms(query: str) -> list[str]:
    """The words of a search box query, lowercased."""
    return [w.lower() for w in _WORD.findall(query)][:20]


def matching(tickets: QuerySet, query: str) -> QuerySet:
    """Narrow ``tickets`` to those whose text holds every word of ``query`` (prefix on the last)."""
    words = terms(query)
    if not words:
        return tickets
    if connection.vendor == "sqlite":
        fts = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        sql = "SELECT rowid FROM conversations_ticket_fts WHERE conversations_ticket_fts MATCH %s"
        # The query text is a bound parameter; only our fixed SQL is raw.
        return tickets.filter(pk__in=RawSQL(sql, [fts.strip()]))  # noqa: S611
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
        # On the outer table, not "id IN (SELECT ...)": the planner then uses the GIN index
        # instead of probing a second copy of the table for each recent ticket (3x faster).
        sql = "conversations_ticket.search_vector @@ to_tsquery('simple', %s)"
        match = RawSQL(sql, [tsquery], output_field=BooleanField())  # noqa: S611
        return tickets.alias(_text_match=match).filter(_text_match=True)
    for word in words:
        tickets = tickets.filter(search_text__icontains=word)
    return tickets


def ranked_any(tickets: QuerySet, words: list[str], limit: int = 20) -> list[int]:
    """Ids of ``tickets`` sharing any of ``words``, most relevant first (BM25 / ts_rank)."""
    words = [w for w in words if w]
    if not words:
        return []
    if connection.vendor == "sqlite":
        fts = " OR ".join(f'"{w}"' for w in words)
        sql = (
            "SELECT rowid FROM conversations_ticket_fts WHERE conversations_ticket_fts "
            "MATCH %s ORDER BY bm25(conversations_ticket_fts) LIMIT 500"
        )
        ordered = _ids(sql, [fts])
        allowed = set(tickets.filter(pk__in=ordered).values_list("pk", flat=True))
        return [pk for pk in ordered if pk in allowed][:limit]
    if connection.vendor == "postgresql":
        tsquery = " | ".join("'" + w.replace("'", "") + "'" for w in words)
        rank = RawSQL(
            "ts_rank_cd(conversations_ticket.search_vector, to_tsquery('simple', %s))", [tsquery]
        )
        match = RawSQL(
            "conversations_ticket.search_vector @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        )
        found = tickets.alias(_match=match, _rank=rank).filter(_match=True).order_by("-_rank")
        return list(found.values_list("pk", flat=True)[:limit])
    return list(matching(tickets, " ".join(words)).values_list("pk", flat=True)[:limit])


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
