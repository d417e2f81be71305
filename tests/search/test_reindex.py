"""``helpmesh search reindex`` rebuilds the index from the configured sources."""

from __future__ import annotations

import argparse

import pytest
from search_docs import ARTICLES

from helpmesh.search import cli, engine, services
from helpmesh.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def two_articles():
    """A source for ``HELPMESH_SEARCH_SOURCES``: the first two shared articles."""
    return iter(ARTICLES[:2])


def test_reindex_indexes_every_source_and_drops_what_they_no_longer_yield(settings) -> None:
    services.index_documents(ARTICLES)  # four, two of which the source no longer yields
    settings.HELPMESH_SEARCH_SOURCES = ["test_reindex.two_articles"]
    assert cli.cmd_reindex(argparse.Namespace()) == 0
    assert sorted(SearchDocument.objects.values_list("object_id", flat=True)) == [1, 2]


def test_search_query_prints_what_the_named_user_may_find(help_center, personas, capsys) -> None:
    args = argparse.Namespace(text="refund", viewer=personas.anna.email, limit=10)
    assert cli.cmd_query(args) == 0
    printed = capsys.readouterr().out
    assert "Runbook: refund override for agents" in printed
    args = argparse.Namespace(text="refund", viewer=None, limit=10)
    cli.cmd_query(args)
    assert "Runbook" not in capsys.readouterr().out
    assert engine.search("refund", log=False).hits  # anonymous still finds the public one


def test_search_query_names_an_unknown_user(db) -> None:
    args = argparse.Namespace(text="refund", viewer="nobody@example.com", limit=10)
    assert cli.cmd_query(args) == 2
