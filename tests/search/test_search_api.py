"""GET /search, clicks, outcomes and the content-gap report over REST."""

from __future__ import annotations

import pytest

from helpmesh.search.models import SearchQuery

pytestmark = pytest.mark.django_db


def test_search_answers_best_first_with_the_contract_fields(api, help_center) -> None:
    answer = api(None).get("/search", q="refund")
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["kind"], r["id"]) for r in results] == [("article", 1)]
    assert set(results[0]) >= {"kind", "id", "title", "snippet", "url", "score"}


def test_an_empty_query_is_refused_naming_q(api, db) -> None:
    answer = api(None).get("/search", q="")
    assert answer.status_code == 422 and "q" in answer.content.decode()


def test_a_wrong_token_is_refused_not_treated_as_anonymous(api, help_center) -> None:
    answer = api(None).get("/search", q="refund", headers=None)
    assert answer.status_code == 200
    bad = api(None)
    bad.headers["Authorization"] = "Bearer nope"
    assert bad.get("/search", q="refund").status_code == 401


def test_agents_narrow_by_kind(api, personas, help_center) -> None:
    answer = api(personas.anna).get("/search", q="refund", kind="topic")
    assert [r["kind"] for r in answer.json()["results"]] == ["topic"]


def test_clicks_count_only_for_results_the_search_returned(api, personas, help_center) -> None:
    alice = api(personas.alice_user)
    query_id = alice.get("/search", q="refund").json()["query_id"]
    assert (
        alice.post("/search/clicks", {"query_id": query_id, "kind": "article", "id": 1}).status_code
        == 204
    )
    assert (
        alice.post("/search/clicks", {"query_id": query_id, "kind": "article", "id": 3}).status_code
        == 404
    )
    other = api(personas.bob_user)
    assert (
        other.post("/search/clicks", {"query_id": query_id, "kind": "article", "id": 1}).status_code
        == 404
    )


def test_the_content_gap_report_shows_unanswered_and_ticket_anyway_searches(
    api, personas, help_center
) -> None:
    alice = api(personas.alice_user)
    alice.get("/search", q="warp drive calibration")
    alice.get("/search", q="warp drive calibration")
    query_id = alice.get("/search", q="refund").json()["query_id"]
    ticket = personas.ticket_for(personas.alice_user, subject="Refund")
    outcome = {"query_id": query_id, "outcome": "ticket", "ticket_id": ticket.pk}
    assert alice.post("/search/outcome", outcome).status_code == 204
    assert SearchQuery.objects.get(pk=query_id).ticket == ticket
    assert api(personas.alice_user).get("/search/content-gaps").status_code == 403
    report = api(personas.anna).get("/search/content-gaps").json()
    gaps = {g["query"]: g for g in report["gaps"]}
    assert gaps["warp drive calibration"]["zero_results"] == 2
    assert gaps["refund"]["then_ticket"] == 1
    assert report["summary"]["searches"] == 3
