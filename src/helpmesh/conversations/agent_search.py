"""The agents' search box: one query that finds tickets the way agents look for them.

    agent_search.matching(tickets, "refnd status:open tag:vip", user) -> QuerySet
    agent_search.ranked(tickets, query) -> the same, best matches first

A query is words and operators (docs/web.md, "Searching"):

- ``1519`` or ``#1519``: the ticket number (a bare number is also looked for in the text);
- a word: a prefix of a word in the subject, any message (internal notes included: this module
  serves staff only; customers search ``search.matching``, which never sees notes), the
  requester's name, email or handle, the organization's name or domain, or a tag;
- an address or handle (``anna@example.com``, ``@anna``): the requester's identities;
- ``status:open`` (``status:unsolved``), ``priority:urgent``, ``channel:email``, ``team:billing``,
  ``assignee:me`` (``none``, an email or a name), ``tag:vip``, ``org:umbrella``,
  ``requester:anna@example.com``. A value with spaces goes in quotes: ``org:"Umbrella Corp"``.

Every word must match somewhere; a word that matches nothing at all is read as a typo and
replaced by the indexed words one or two edits away (``refnd`` finds "refund").

Same answers on SQLite (FTS5 and its vocabulary tables) and PostgreSQL (tsvector, ts_stat): the
indexes are ``search.install_agent_index``'s, kept by the database itself.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from helpmesh.accounts.models import Team, User
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Channel, Priority, Status, Tag, Ticket
from helpmesh.customers.models import Customer, CustomerIdentity, IdentityKind, Organization
from helpmesh.search import fulltext

OPERATORS = ("status", "priority", "channel", "team", "assignee", "tag", "org", "requester")
UNSOLVED = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]
_TOKEN = re.compile(
    r'(?P<key>[a-z]+):(?:"(?P<quoted>[^"]*)"|(?P<value>\S+))|"(?P<phrase>[^"]*)"|(?P<token>\S+)'
)
_NUMBER = re.compile(r"#?(\d{1,12})")
MAX_WORDS = 8
VOCABULARY_SECONDS = 600  # PostgreSQL's vocabulary (ts_stat) is read at most this often


@dataclass
class Query:
    """A parsed search box query."""

    words: list[str] = field(default_factory=list)
    number: int | None = None  # "#1519" or "1519"
    number_only: bool = False  # "#1519": the ticket number, not a word of the text
    identities: list[str] = field(default_factory=list)  # addresses and handles
    operators: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.number is not None or self.identities)


def parse(text: str) -> Query:
    """Split a query into the ticket number, words, identities and operators."""
    query, plain = Query(), []
    for match in _TOKEN.finditer(text.strip()):
        key = (match["key"] or "").lower()
        if key in OPERATORS:
            query.operators.append((key, (match["quoted"] or match["value"] or "").strip()))
            continue
        token = match["phrase"] or match.group(0)
        number = _NUMBER.fullmatch(token)
        if number and query.number is None:
            query.number = int(number[1])
            query.number_only = token.startswith("#")
            if query.number_only:
                continue
        if "@" in token:
            query.identities.append(token.lower())
            continue
        plain.append(token)
    # Stop words ("the", "not") would match nearly every ticket: the search app's own rule.
    query.words = fulltext.terms(" ".join(plain))[:MAX_WORDS] if plain else []
    return query


def matching(tickets: QuerySet[Ticket], text: str, user: User) -> QuerySet[Ticket]:
    """Narrow ``tickets`` (already what ``user`` may see) to those the query finds.

    Raises TicketError naming ``q`` for an operator value that cannot mean anything.
    """
    query = parse(text)
    tickets = _operators(tickets, query.operators, user)
    if not query.has_text:
        return tickets
    found = RawSQL(*_text_sql(query))  # noqa: S611 - values are bound
    if not query.words:  # a number or an address: a handful of tickets, fetched by id
        return tickets.filter(pk__in=found)
    # "id + 0": SQLite then walks the page's own order (an index) and stops at the page's end,
    # probing the set of matches, instead of fetching every match of a common word by id and
    # sorting them all.
    return tickets.alias(_search_id=F("id") + 0).filter(_search_id__in=found)


def ranked(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """``tickets`` best match first: the ticket of that number, then tickets whose requester the
    words name (so "anna" lists Anna's tickets before notes that mention an Anna), then the rest
    in their existing order."""
    query = parse(text)
    whens = []
    if query.number is not None:
        whens.append(When(pk=query.number, then=Value(0)))
    named = _requesters_named(query)
    # Only when someone is named (one quick look): ranking sorts every match, where the plain
    # order can stop at the page's last row.
    if named is not None and Customer.objects.filter(pk__in=named).exists():
        whens.append(When(requester_id__in=named, then=Value(1)))
    if not whens:
        return tickets
    order = list(tickets.query.order_by) or list(Ticket._meta.ordering or [])
    rank = Case(*whens, default=Value(2), output_field=IntegerField())
    return tickets.alias(search_rank=rank).order_by("search_rank", *order)


# Operators ---------------------------------------------------------------------------------


def _operators(
    tickets: QuerySet[Ticket], operators: list[tuple[str, str]], user: User
) -> QuerySet[Ticket]:
    for key, value in operators:
        if not value:
            raise TicketError(f"{key}: needs a value, as in {key}:something", field="q")
        tickets = tickets.filter(_operator(key, value.lower(), user))
    return tickets


def _choice(key: str, value: str, allowed: list[str]) -> Q:
    values = value.split(",")
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise TicketError(f"unknown {key} {unknown[0]!r} (one of {', '.join(allowed)})", field="q")
    return Q(**{f"{key}__in": values})


def _operator(key: str, value: str, user: User) -> Q:
    if key == "status":
        if value == "unsolved":
            return Q(status__in=UNSOLVED)
        return _choice(key, value, list(Status.values))
    if key in ("priority", "channel"):
        return _choice(key, value, list({"priority": Priority, "channel": Channel}[key].values))
    if key == "team":
        teams = Team.objects.filter(Q(slug=value) | Q(name__iexact=value))
        return Q(team_id__in=list(teams.values_list("pk", flat=True)))
    if key == "assignee":
        return _assignee(value, user)
    if key == "tag":
        return Q(tags__name=value)
    if key == "org":
        orgs = Organization.objects.filter(Q(name__icontains=value) | Q(domains__icontains=value))
        # A list, not a subquery: the planner then walks the (organization, updated) index.
        return Q(organization_id__in=list(orgs.values_list("pk", flat=True)))
    people = CustomerIdentity.objects.filter(value__iexact=value).values("customer_id")
    return Q(requester__in=people) | Q(requester__name__icontains=value)


def _assignee(value: str, user: User) -> Q:
    if value == "me":
        return Q(assignee=user)
    if value in ("none", "nobody", "unassigned"):
        return Q(assignee__isnull=True)
    agents = User.objects.filter(Q(email__iexact=value) | Q(name__icontains=value))
    return Q(assignee__in=agents.exclude(role="customer"))


# Text --------------------------------------------------------------------------------------


def _text_sql(query: Query) -> tuple[str, list[Any]]:
    """One SQL set of ticket ids: for each part of the query, the union of where it may match;
    across parts, their intersection (every word must match somewhere)."""
    parts: list[tuple[str, list[Any]]] = []
    if query.number is not None:
        by_number: tuple[str, list[Any]] = ("SELECT %s AS id", [query.number])
        if query.number_only:
            parts.append(by_number)
        else:  # "1519" is the ticket number or an order number in the text
            parts.append(_union([by_number, _word_sql(str(query.number))]))
    parts.extend(_identity_sql(value) for value in query.identities)
    parts.extend(_word_sql(word) for word in query.words if word != str(query.number))
    sql = " INTERSECT ".join(f"SELECT id FROM ({p}) AS part{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    return sql, [arg for _, args in parts for arg in args]


def _word_sql(word: str) -> tuple[str, list[Any]]:
    """Tickets where ``word`` starts a word of the subject, a message, a name, an org or a tag;
    a word found nowhere is also looked for as its near spellings in the indexes."""
    names = _names_sql(word)
    parts = [_messages_for(word), _subjects_sql([word], prefix=True), names]
    if len(word) < 4 or not word.isalpha() or _indexed_prefix(word) or _any([names]):
        return _union(parts)
    near = _near_spellings(word)
    if near:  # the exact parts stay: PostgreSQL's vocabulary may be minutes old
        parts += [
            _messages_sql(near, prefix=False, said_only=False),
            _subjects_sql(near, prefix=False),
        ]
    return _union(parts)


def _union(parts: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    return " UNION ".join(sql for sql, _ in parts), [a for _, args in parts for a in args]


def _any(parts: list[tuple[str, list[Any]]]) -> bool:
    """Does any part match at all? (EXISTS stops at the first row of the first part that has one,
    where a LIMIT over the UNION would build the whole union first.)"""
    sql = " OR ".join(f"EXISTS ({p})" for p, _ in parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [a for _, args in parts for a in args])
        return bool(cursor.fetchone()[0])


def _indexed_prefix(word: str) -> bool:
    """Does some indexed word start with ``word``? (One look at the vocabulary: far cheaper than
    running the word's search, which would list every ticket holding a common word.)"""
    if connection.vendor == "postgresql":
        return any(w.startswith(word) for w in _pg_vocabulary())
    sql = (
        "SELECT EXISTS (SELECT 1 FROM conversations_thread_fts_vocab WHERE term >= %s "
        "AND term < %s) OR EXISTS (SELECT 1 FROM conversations_subject_fts_vocab "
        "WHERE term >= %s AND term < %s)"
    )
    bounds = [word, word + "\U0010ffff"]
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds * 2)
        return bool(cursor.fetchone()[0])


# People: customers' names (FTS5 / tsvector) and identities -----------------------------------


def _people_sql(word: str) -> tuple[str, list[Any]]:
    """Customers a word of whose name, address or handle starts with ``word``."""
    identity = CustomerIdentity._meta.db_table
    if connection.vendor == "postgresql":
        term = _pg_term(word) + ":*"
        sql = (
            f"SELECT c.id AS id FROM {Customer._meta.db_table} c "  # noqa: S608
            "WHERE c.name_vector @@ to_tsquery('simple', %s) "
            f"UNION SELECT i.customer_id AS id FROM {identity} i "
            "WHERE i.value_vector @@ to_tsquery('simple', %s)"
        )
        return sql, [term, term]
    match = f'"{word}"*'
    sql = (
        "SELECT rowid AS id FROM conversations_customer_fts "  # noqa: S608
        "WHERE conversations_customer_fts MATCH %s "
        f"UNION SELECT i.customer_id AS id FROM {identity} i WHERE i.id IN ("
        "SELECT rowid FROM conversations_identity_fts WHERE conversations_identity_fts MATCH %s)"
    )
    return sql, [match, match]


def _a_name_sql(word: str) -> tuple[str, list[Any]]:
    """An SQL condition: ``word`` starts some customer's first or last name."""
    if connection.vendor == "postgresql":
        sql = (
            f"EXISTS (SELECT 1 FROM {Customer._meta.db_table} c "  # noqa: S608
            "WHERE c.name_vector @@ to_tsquery('simple', %s))"
        )
        return sql, [_pg_term(word) + ":*"]
    sql = (
        "EXISTS (SELECT 1 FROM conversations_customer_fts "
        "WHERE conversations_customer_fts MATCH %s)"
    )
    return sql, [f'"{word}"*']


def _names_sql(word: str) -> tuple[str, list[Any]]:
    """Tickets whose requester, organization or a tag ``word`` names (by a word's prefix)."""
    ticket, org = Ticket._meta.db_table, Organization._meta.db_table
    tags, tag = Ticket.tags.through._meta.db_table, Tag._meta.db_table
    people, people_args = _people_sql(word)
    start, inner = f"{_like(word)}%", f"% {_like(word)}%"
    # Organizations and tags are short lists: a LIKE over them costs nothing.
    sql = (
        f"SELECT t.id AS id FROM {ticket} t WHERE t.requester_id IN ({people}) "  # noqa: S608
        f"UNION SELECT t.id AS id FROM {ticket} t WHERE t.organization_id IN ("
        f"SELECT o.id FROM {org} o WHERE LOWER(o.name) LIKE %s ESCAPE '\\' "
        f"OR LOWER(o.name) LIKE %s ESCAPE '\\' OR LOWER(o.domains) LIKE %s ESCAPE '\\') "
        f"UNION SELECT tt.ticket_id AS id FROM {tags} tt JOIN {tag} g ON g.id = tt.tag_id "
        f"WHERE g.name LIKE %s ESCAPE '\\'"
    )
    return sql, [*people_args, start, inner, start, start]


def _like(word: str) -> str:
    return word.replace("\\", "").replace("%", "").replace("_", "\\_")


def _identity_sql(value: str) -> tuple[str, list[Any]]:
    """Tickets whose requester has this address or handle (``@anna`` also finds ``anna``)."""
    ticket, identity = Ticket._meta.db_table, CustomerIdentity._meta.db_table
    # Naming every kind lets the (kind, value) unique index answer.
    kinds = list(IdentityKind.values)
    marks = ", ".join(["%s"] * len(kinds))
    sql = (
        f"SELECT t.id AS id FROM {ticket} t WHERE t.requester_id IN ("  # noqa: S608
        f"SELECT i.customer_id FROM {identity} i WHERE i.kind IN ({marks}) "
        "AND i.value IN (%s, %s))"
    )
    return sql, [*kinds, value, value.lstrip("@")]


# Messages and subjects ---------------------------------------------------------------------


def _messages_for(word: str) -> tuple[str, list[Any]]:
    """Tickets whose messages hold ``word``; when it starts a customer's first or last name, not
    in agents' public replies (search.py: agents greet requesters by name), while what customers
    wrote and internal notes are still searched. The engine's query text is chosen inside the
    SQL (a CASE evaluated once): one index scan and no extra round trip per word."""
    said_sql, said = _message_query([word], prefix=True, said_only=True)
    every_sql, every = _message_query([word], prefix=True, said_only=False)
    is_a_name, name_args = _a_name_sql(word)
    chosen = f"CASE WHEN {is_a_name} THEN {said_sql} ELSE {every_sql} END"
    return _messages_matching(chosen, [*name_args, *said, *every])


def _messages_sql(words: list[str], *, prefix: bool, said_only: bool) -> tuple[str, list[Any]]:
    return _messages_matching(*_message_query(words, prefix=prefix, said_only=said_only))


def _message_query(words: list[str], *, prefix: bool, said_only: bool) -> tuple[str, list[Any]]:
    """The engine's query text for ``words`` in every message, or in ``said`` only."""
    if connection.vendor == "postgresql":
        weight = "A" if said_only else ""
        terms = [f"{_pg_term(w)}:{'*' if prefix else ''}{weight}".rstrip(":") for w in words]
        return "%s", [" | ".join(terms)]
    match = " OR ".join(f'"{w}"' + ("*" if prefix else "") for w in words)
    return "%s", [f"said : ({match})" if said_only else f"({match})"]


def _messages_matching(query_sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT t.id AS id FROM {Ticket._meta.db_table} t "  # noqa: S608
            f"WHERE t.thread_vector @@ to_tsquery('simple', {query_sql})"
        )
        return sql, params
    sql = (
        "SELECT rowid AS id FROM conversations_thread_fts "  # noqa: S608
        f"WHERE conversations_thread_fts MATCH {query_sql}"
    )
    return sql, params


def _subjects_sql(words: list[str], *, prefix: bool) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        terms = [_pg_term(w) + (":*" if prefix else "") for w in words]
        sql = (
            f"SELECT t.id AS id FROM {Ticket._meta.db_table} t "  # noqa: S608
            "WHERE t.subject_vector @@ to_tsquery('simple', %s)"
        )
        return sql, [" | ".join(terms)]
    match = " OR ".join(f'"{w}"' + ("*" if prefix else "") for w in words)
    sql = (
        "SELECT rowid AS id FROM conversations_subject_fts WHERE conversations_subject_fts MATCH %s"
    )
    return sql, [match]


def _pg_term(word: str) -> str:
    # Words are \w+ already; quoting keeps to_tsquery from reading any of them as an operator.
    return "'" + word.replace("'", "") + "'"


def _requesters_named(query: Query) -> RawSQL | None:
    """Customers every word (and address) of the query names: the requesters to rank first."""
    if not all(word.isalpha() for word in query.words):
        return None  # names are letters: "t1" or "2fa" names nobody, so there is no look-up
    parts = [_people_sql(word) for word in query.words]
    identity = CustomerIdentity._meta.db_table
    for value in query.identities:
        sql = f"SELECT i.customer_id AS id FROM {identity} i WHERE i.value IN (%s, %s)"  # noqa: S608
        parts.append((sql, [value, value.lstrip("@")]))
    if not parts:
        return None
    sql = " INTERSECT ".join(f"SELECT id FROM ({p}) AS named{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    return RawSQL(sql, [a for _, args in parts for a in args])  # noqa: S611


# Typos -------------------------------------------------------------------------------------


def _near_spellings(word: str) -> list[str]:
    """Indexed words within one edit (two for words of eight letters or more) of ``word``."""
    limit = 1 if len(word) < 8 else 2
    candidates = _vocabulary(word[0], len(word) - limit, len(word) + limit)
    near = [w for w in candidates if w != word and edit_distance(word, w, limit) <= limit]
    return sorted(near)[:20]


def _vocabulary(first: str, shortest: int, longest: int) -> set[str]:
    if connection.vendor == "postgresql":
        return {
            w for w in _pg_vocabulary() if w.startswith(first) and shortest <= len(w) <= longest
        }
    sql = (
        "SELECT term FROM conversations_thread_fts_vocab WHERE term >= %s AND term < %s "
        "AND length(term) BETWEEN %s AND %s UNION "
        "SELECT term FROM conversations_subject_fts_vocab WHERE term >= %s AND term < %s "
        "AND length(term) BETWEEN %s AND %s"
    )
    bounds: list[str | int] = [first, chr(ord(first) + 1), shortest, longest]
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds * 2)
        return {row[0] for row in cursor.fetchall()}


_pg_words: tuple[float, frozenset[str]] = (0.0, frozenset())


def _pg_vocabulary() -> frozenset[str]:
    # ts_stat reads every vector: too slow per query at scale, so read at most every ten minutes
    # (a word indexed since then is still found exactly; only its misspellings wait).
    global _pg_words
    loaded_at, words = _pg_words
    if words and time.monotonic() - loaded_at < VOCABULARY_SECONDS:
        return words
    sql = (
        "SELECT word FROM ts_stat('SELECT thread_vector FROM conversations_ticket') UNION "
        "SELECT word FROM ts_stat('SELECT subject_vector FROM conversations_ticket')"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        words = frozenset(row[0] for row in cursor.fetchall())
    _pg_words = (time.monotonic(), words)
    return words


def forget_vocabulary() -> None:
    """Drop the cached PostgreSQL vocabulary (tests write new words and search at once)."""
    global _pg_words
    _pg_words = (0.0, frozenset())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), ``limit + 1`` once
    it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
