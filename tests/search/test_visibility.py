"""Visibility lives inside the search: nobody finds or counts what they may not see."""

from __future__ import annotations

import pytest
from django.test import override_settings

from helpmesh.search import engine
from helpmesh.search.models import SearchQuery

pytestmark = pytest.mark.django_db


def found(viewer, text="refund") -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in engine.search(text, viewer=viewer, limit=20).hits}


def test_anonymous_visitors_find_public_articles_only(help_center) -> None:
    assert found(None) == {("article", 1)}


def test_customers_also_find_signed_in_content_but_not_runbooks_or_other_groups(
    help_center, personas
) -> None:
    assert found(personas.alice_user, "refund invoice") == {("article", 1), ("article", 2)}


def test_members_of_a_private_group_find_its_topics(help_center, personas) -> None:
    with override_settings(HELPMESH_SEARCH_GROUPS="search_docs.alice_in_beta"):
        assert ("topic", 4) in found(personas.alice_user)
        assert ("topic", 4) not in found(personas.bob_user)


def test_agents_find_everything_including_runbooks(help_center, personas) -> None:
    assert found(personas.anna) == {("article", 1), ("article", 3), ("topic", 4)}


def test_the_log_counts_only_what_the_viewer_saw(help_center, personas) -> None:
    results = engine.search("refund", viewer=None, source="help")
    logged = SearchQuery.objects.get(pk=results.query_id)
    assert logged.result_count == 1 and logged.results == ["article:1"]
    assert logged.source == "help" and logged.user is None


def test_agents_also_find_solved_tickets_customers_never_do(help_center, personas) -> None:
    from helpmesh.conversations import services as tickets
    from helpmesh.conversations.models import Status

    ticket = personas.ticket_for(
        personas.bob_user, subject="Refund never arrived", body="My refund is missing"
    )
    tickets.update_ticket(ticket, tickets.TicketChanges(status=Status.SOLVED), actor=personas.root)
    assert ("ticket", ticket.pk) in found(personas.root)
    assert ("ticket", ticket.pk) not in found(personas.bob_user)
    assert ("ticket", ticket.pk) not in found(None)
