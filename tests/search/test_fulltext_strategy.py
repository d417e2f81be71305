"""The lexical search's strategy: every word first, then all words but one, then any word; on
SQLite's FTS5 and PostgreSQL's tsvector alike."""

from __future__ import annotations

import pytest

from helpmesh.search import fulltext
from helpmesh.search import services as search
from helpmesh.search.documents import Audience, Document
from helpmesh.search.fulltext import Scope
from helpmesh.search.models import SearchDocument

SCOPE = Scope(audiences=Audience.ALL, groups=None)


def index(texts: dict[int, str]) -> None:
    search.index_documents(
        [Document("article", pk, f"Doc {pk}", text, f"/d/{pk}") for pk, text in texts.items()]
    )


@pytest.fixture(autouse=True)
def lexical_only(settings):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"


def found(text: str, limit: int = 100) -> set[int]:
    rows = fulltext.lexical(text, SCOPE, limit)
    ids = dict(SearchDocument.objects.values_list("pk", "object_id"))
    return {ids[pk] for pk, _ in rows}


def test_enough_documents_with_every_word_leave_the_others_out(db):
    index({pk: "printer toner jammed again" for pk in range(1, 13)} | {20: "printer only"})
    assert found("printer toner jammed") == set(range(1, 13))


def test_too_few_with_every_word_bring_in_those_missing_one(db):
    partial = {pk: "printer toner smudges" for pk in range(2, 13)}
    index({1: "printer toner jammed"} | partial | {30: "printer manual"})
    assert found("printer toner jammed") == set(range(1, 13))  # not 30: it lacks two words


def test_when_words_never_meet_any_word_will_do(db):
    index({1: "printer", 2: "toner", 3: "jammed", 4: "keyboard"})
    assert found("printer toner jammed") == {1, 2, 3}
