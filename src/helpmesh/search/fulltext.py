"""Lexical search over the index with stemming, on the database's own engine.

SQLite: an FTS5 table (porter stemmer over unicode61) kept by triggers, ranked by BM25 with the
title weighted 3:1 over the body. PostgreSQL: a generated, weighted ``tsvector`` (English
stemming) with a GIN index, ranked by ``ts_rank_cd``. Both are created by migration 0002 outside
the model state, as the tickets' index is (docs/adr/0005-native-full-text-search.md).

Queries are words without stop words, AND-ed first and OR-ed when that finds too few: BM25 then
ranks documents that share the rare words first, and a common word never makes every document
a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TABLE = "search_searchdocument"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 24
# Conjunctive hits that make the OR-ed query unnecessary (docs/search.md).
ENOUGH = 10
# Up to this many words, documents missing one of them are tried before any word will do.
MAX_RELAXED = 8

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, search_text, "
    "content='search_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF title, search_text "
    "ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); "
    "INSERT INTO search_fts(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
]
POSTGRES_INSTALL = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(search_text, '')), 'B')) STORED",
    "CREATE INDEX search_document_fulltext ON search_searchdocument USING GIN (search_vector)",
]


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the full-text index for the connected database (called by a migration)."""
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(vendor, []):
        schema_editor.execute(statement)


def terms(text: str) -> list[str]:
    """The query's distinct words, lowercased, stop words dropped (all kept if that is all)."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))
    content = [w for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 1]
    return (content or words)[:MAX_TERMS]


@dataclass(frozen=True)
class Scope:
    """Which documents a viewer may find: audiences, private groups, and optional narrowing."""

    audiences: tuple[str, ...]
    groups: tuple[str, ...] | None = ()  # None: every group (staff)
    kinds: tuple[str, ...] = ()
    object_ids: tuple[int, ...] = ()  # only these (with one kind): candidate re-ranking

    def where(self, alias: str = "d") -> tuple[str, list]:
        """An SQL condition (and its parameters) that holds only for documents in scope."""
        clauses = [f"{alias}.audience IN ({_marks(self.audiences)})"]
        params: list = list(self.audiences)
        if self.groups is None:
            pass
        elif self.groups:
            clauses.append(
                f'({alias}."group" = \'\' OR {alias}."group" IN ({_marks(self.groups)}))'
            )
            params += list(self.groups)
        else:
            clauses.append(f"{alias}.\"group\" = ''")
        if self.kinds:
            clauses.append(f"{alias}.kind IN ({_marks(self.kinds)})")
            params += list(self.kinds)
        if self.object_ids:
            clauses.append(f"{alias}.object_id IN ({_marks(self.object_ids)})")
            params += list(self.object_ids)
        return " AND ".join(clauses), params


def _marks(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def lexical(text: str, scope: Scope, limit: int = 100) -> list[tuple[int, float]]:
    """Document ids in scope that share words with ``text``, best first, with a score > 0.

    Documents holding every word are looked for first: when there are enough of them they are
    the best BM25 matches anyway, and the engine scores only them instead of every document
    that shares one common word (at 100k documents that is the difference between a few
    milliseconds and a few hundred). Too few, and documents holding all the words but one are
    tried; still too few (or a long query), and the OR-ed query fills the list.
    """
    words = terms(text)
    if not words:
        return []
    if len(words) > 1:
        every = _ranked(words, scope, limit, conjunctive=True)
        if len(every) >= min(limit, ENOUGH):
            return every
        if 2 < len(words) <= MAX_RELAXED:  # then documents missing any one of the words
            most = _ranked(words, scope, limit, conjunctive=True, missing=1)
            if len(most) >= min(limit, ENOUGH):
                return most
    return _ranked(words, scope, limit, conjunctive=False)


def _expression(quoted: list[str], conjunctive: bool, missing: int, and_: str, or_: str) -> str:
    """The words OR-ed, AND-ed, or (``missing=1``) every AND of all the words but one, OR-ed."""
    if not conjunctive:
        return or_.join(quoted)
    if not missing:
        return and_.join(quoted)
    groups = (and_.join(quoted[:i] + quoted[i + 1 :]) for i in range(len(quoted)))
    return or_.join(f"({group})" for group in groups)


def _ranked(
    words: list[str], scope: Scope, limit: int, *, conjunctive: bool, missing: int = 0
) -> list[tuple[int, float]]:
    where, params = scope.where()
    if connection.vendor == "sqlite":
        quoted = [*(f'"{w}"' for w in words[:-1]), f'"{words[-1]}"*']
        match = _expression(quoted, conjunctive, missing, " AND ", " OR ")
        sql = (
            f"SELECT d.id, -bm25(search_fts, 3.0, 1.0) AS score FROM search_fts "  # noqa: S608
            f"JOIN {TABLE} d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND {where} ORDER BY score DESC LIMIT %s"
        )
        args = [match, *params, limit]
    elif connection.vendor == "postgresql":
        quoted = [*(_pg_term(w) for w in words[:-1]), _pg_term(words[-1]) + ":*"]
        query = _expression(quoted, conjunctive, missing, " & ", " | ")
        sql = (
            "SELECT d.id, ts_rank_cd(d.search_vector, q) AS score "  # noqa: S608
            f"FROM {TABLE} d, to_tsquery('english', %s) q "
            f"WHERE d.search_vector @@ q AND {where} ORDER BY score DESC LIMIT %s"
        )
        args = [query, *params, limit]
    else:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def _pg_term(word: str) -> str:
    # Words are \w+ already; quoting keeps to_tsquery from reading any of them as an operator.
    return "'" + word.replace("'", "") + "'"
