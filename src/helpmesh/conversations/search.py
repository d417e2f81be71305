"""Full-text ticket search on the database's own engine: FTS5 on SQLite, tsvector on PostgreSQL.

The indexed text is ``Ticket.search_text`` (subject plus public messages, capped): what a
customer may search. The index itself lives outside the Django model (created by migration 0002
with ``install``), so model changes never touch it; see docs/search.md.

Agents search more (``agent_search``): every message, internal notes included, one row per
ticket; subjects; customers' names and identities (``install_agent_index``, migration 0004).
Database triggers and generated columns keep them in step with every write, so no service has to.
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


# The agents' thread index keeps one row per ticket (so a match is a ticket id, with no look-up
# of each matching message) in two columns: ``said`` (what customers wrote, and internal notes)
# and ``replied`` (agents' public replies). A name is looked for in ``said`` only: agents greet
# the requester by first name ("Hi Anna, ..."), so searching replies for "anna" would find every
# ticket an agent answered for any Anna. Other words are looked for in both.
THREAD_CAP = 200_000  # characters per column: beyond this, a thread's oldest words win
_IS_REPLY = (
    "{r}.author_user_id IS NOT NULL AND {r}.author_customer_id IS NULL AND {r}.internal = {false}"
)
_SAID = "CASE WHEN " + _IS_REPLY + " THEN '' ELSE {r}.body_text END"
_REPLIED = "CASE WHEN " + _IS_REPLY + " THEN {r}.body_text ELSE '' END"


def _sqlite_thread(ticket: str) -> str:
    """SET clause recomputing one ticket's thread row from its messages."""
    said, replied = _SAID.format(r="m", false=0), _REPLIED.format(r="m", false=0)
    return (
        f"said = (SELECT substr(coalesce(group_concat({said}, char(10)), ''), 1, {THREAD_CAP}) "  # noqa: S608
        f"FROM conversations_message m WHERE m.ticket_id = {ticket}), "
        f"replied = (SELECT substr(coalesce(group_concat({replied}, char(10)), ''), 1, "
        f"{THREAD_CAP}) FROM conversations_message m WHERE m.ticket_id = {ticket})"
    )


def _sqlite_external(fts: str, table: str, column: str) -> list[str]:
    """An FTS5 index of one column of ``table``, kept by triggers (people's names, identities:
    a prefix look-up there beats a LIKE scan of every customer)."""
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
    ]


_APPEND = (
    "UPDATE conversations_thread_fts SET "  # noqa: S608
    f"said = substr(said || char(10) || {_SAID.format(r='new', false=0)}, 1, {THREAD_CAP}), "
    f"replied = substr(replied || char(10) || {_REPLIED.format(r='new', false=0)}, 1, "
    f"{THREAD_CAP}) WHERE rowid = new.ticket_id"
)
SQLITE_AGENT_INSTALL = [
    "CREATE VIRTUAL TABLE conversations_thread_fts USING fts5(said, replied, "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE conversations_thread_fts_vocab "
    "USING fts5vocab(conversations_thread_fts, row)",
    "CREATE TRIGGER conversations_thread_fts_ti AFTER INSERT ON conversations_ticket BEGIN "
    "INSERT INTO conversations_thread_fts(rowid, said, replied) VALUES (new.id, '', ''); END",
    "CREATE TRIGGER conversations_thread_fts_td AFTER DELETE ON conversations_ticket BEGIN "
    "DELETE FROM conversations_thread_fts WHERE rowid = old.id; END",
    # A new message (the common write) appends; an edit, a move (merge) or a delete recomputes.
    f"CREATE TRIGGER conversations_thread_fts_mi AFTER INSERT ON conversations_message BEGIN "
    f"{_APPEND}; END",
    "CREATE TRIGGER conversations_thread_fts_mu AFTER UPDATE OF body_text, internal, "  # noqa: S608
    "author_user_id, author_customer_id, ticket_id ON conversations_message BEGIN "
    f"UPDATE conversations_thread_fts SET {_sqlite_thread('old.ticket_id')} "
    "WHERE rowid = old.ticket_id; "
    f"UPDATE conversations_thread_fts SET {_sqlite_thread('new.ticket_id')} "
    "WHERE rowid = new.ticket_id; END",
    "CREATE TRIGGER conversations_thread_fts_md AFTER DELETE ON conversations_message BEGIN "  # noqa: S608
    f"UPDATE conversations_thread_fts SET {_sqlite_thread('old.ticket_id')} "
    "WHERE rowid = old.ticket_id; END",
    "INSERT INTO conversations_thread_fts(rowid, said, replied) SELECT t.id, '', '' "
    "FROM conversations_ticket t",
    f"UPDATE conversations_thread_fts SET {_sqlite_thread('conversations_thread_fts.rowid')}",  # noqa: S608
    "CREATE VIRTUAL TABLE conversations_subject_fts USING fts5(subject, "
    "content='conversations_ticket', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE conversations_subject_fts_vocab "
    "USING fts5vocab(conversations_subject_fts, row)",
    "CREATE TRIGGER conversations_subject_fts_ai AFTER INSERT ON conversations_ticket BEGIN "
    "INSERT INTO conversations_subject_fts(rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE TRIGGER conversations_subject_fts_ad AFTER DELETE ON conversations_ticket BEGIN "
    "INSERT INTO conversations_subject_fts(conversations_subject_fts, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); END",
    "CREATE TRIGGER conversations_subject_fts_au AFTER UPDATE OF subject ON conversations_ticket "
    "BEGIN INSERT INTO conversations_subject_fts(conversations_subject_fts, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); "
    "INSERT INTO conversations_subject_fts(rowid, subject) VALUES (new.id, new.subject); END",
    "INSERT INTO conversations_subject_fts(conversations_subject_fts) VALUES ('rebuild')",
    *_sqlite_external("conversations_customer_fts", "customers_customer", "name"),
    *_sqlite_external("conversations_identity_fts", "customers_customeridentity", "value"),
]
_PG_SAID, _PG_REPLIED = _SAID.format(r="m", false="false"), _REPLIED.format(r="m", false="false")
POSTGRES_AGENT_INSTALL = [
    # Weight A: what customers said and internal notes; weight B: agents' public replies.
    "ALTER TABLE conversations_ticket ADD COLUMN thread_vector tsvector",
    "CREATE FUNCTION conversations_thread_vector(ticket bigint) RETURNS tsvector AS $$ "  # noqa: S608
    "SELECT setweight(to_tsvector('simple', "
    f"left(coalesce(string_agg({_PG_SAID}, E'\\n'), ''), {THREAD_CAP})), 'A') || "
    "setweight(to_tsvector('simple', "
    f"left(coalesce(string_agg({_PG_REPLIED}, E'\\n'), ''), {THREAD_CAP})), 'B') "
    "FROM conversations_message m WHERE m.ticket_id = ticket $$ LANGUAGE sql STABLE",
    "CREATE FUNCTION conversations_thread_refresh() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN UPDATE conversations_ticket "
    "SET thread_vector = conversations_thread_vector(OLD.ticket_id) WHERE id = OLD.ticket_id; "
    "END IF; "
    "IF TG_OP <> 'DELETE' THEN UPDATE conversations_ticket "
    "SET thread_vector = conversations_thread_vector(NEW.ticket_id) WHERE id = NEW.ticket_id; "
    "END IF; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER conversations_thread_refresh AFTER INSERT OR DELETE OR UPDATE OF body_text, "
    "internal, author_user_id, author_customer_id, ticket_id ON conversations_message "
    "FOR EACH ROW EXECUTE FUNCTION conversations_thread_refresh()",
    "UPDATE conversations_ticket SET thread_vector = conversations_thread_vector(id)",
    "CREATE INDEX conversations_ticket_thread ON conversations_ticket USING GIN (thread_vector)",
    "ALTER TABLE conversations_ticket ADD COLUMN subject_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(subject, ''))) STORED",
    "CREATE INDEX conversations_ticket_subject ON conversations_ticket USING GIN (subject_vector)",
    "ALTER TABLE customers_customer ADD COLUMN name_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(name, ''))) STORED",
    "CREATE INDEX conversations_customer_name ON customers_customer USING GIN (name_vector)",
    "ALTER TABLE customers_customeridentity ADD COLUMN value_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(value, ''))) STORED",
    "CREATE INDEX conversations_identity_value ON customers_customeridentity "
    "USING GIN (value_vector)",
]


def install_agent_index(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the agents' thread and subject indexes (called by migration 0004)."""
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_AGENT_INSTALL, "postgresql": POSTGRES_AGENT_INSTALL}
    for statement in statements.get(vendor, []):
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
