"""Deflection at the point of contact: suggestions while writing, and what the customer did."""

from __future__ import annotations

import pytest
from django.test import Client

from helpmesh.search import services
from helpmesh.search.documents import Document
from helpmesh.search.models import SearchQuery

pytestmark = pytest.mark.django_db
REFUND = Document(
    "article",
    7,
    "Request a refund for an order",
    "Refunds go back to the card you paid with within five business days.",
    "/help/articles/7-refund/",
)


@pytest.fixture
def alice(personas) -> Client:
    services.index_document(REFUND)
    client = Client()
    client.force_login(personas.alice_user)
    return client


def test_suggestions_appear_while_the_customer_writes(alice) -> None:
    page = alice.get("/portal/requests/new/suggest/", {"subject": "refund", "description": "order"})
    assert page.status_code == 200
    assert b"Request a refund for an order" in page.content
    assert SearchQuery.objects.get().source == "portal"


def test_without_javascript_search_first_shows_the_same_suggestions(alice) -> None:
    page = alice.post("/portal/requests/new/", {"subject": "refund please", "find_answers": "1"})
    assert b"Request a refund for an order" in page.content
    assert b"refund please" in page.content  # what they wrote is kept


def test_this_answered_my_question_counts_a_deflection_and_opens_no_ticket(alice) -> None:
    alice.get("/portal/requests/new/suggest/", {"subject": "refund"})
    query = SearchQuery.objects.get()
    answer = alice.post("/portal/requests/new/deflected/", {"search_query": str(query.pk)})
    assert answer.status_code == 302
    query.refresh_from_db()
    assert query.outcome == "deflected" and query.ticket is None


def test_submitting_anyway_links_the_search_to_the_ticket(alice) -> None:
    alice.get("/portal/requests/new/suggest/", {"subject": "refund"})
    query = SearchQuery.objects.get()
    form = {"subject": "refund", "description": "not there yet", "search_query": str(query.pk)}
    answer = alice.post("/portal/requests/new/", form)
    assert answer.status_code == 302
    query.refresh_from_db()
    assert query.outcome == "ticket" and query.ticket is not None


def test_another_customers_search_cannot_be_marked(alice, personas) -> None:
    alice.get("/portal/requests/new/suggest/", {"subject": "refund"})
    query = SearchQuery.objects.get()
    bob = Client()
    bob.force_login(personas.bob_user)
    bob.post("/portal/requests/new/deflected/", {"search_query": str(query.pk)})
    query.refresh_from_db()
    assert query.outcome == ""
