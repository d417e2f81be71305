"""The reputation API: /profiles/me (issue 11's contract), profiles, boards, badges, ledgers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.community import services
from helpmesh.core import clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def moving_clock():
    with clock.frozen(START):
        yield


@pytest.fixture
def solved(community, personas):
    """alice asks about billing; bob's answer is upvoted and accepted."""
    topic = community.post_topic(personas.alice_user, "Invoice is missing", tags=["billing"])
    clock.advance(timedelta(minutes=5))
    answer = community.post_reply(topic, personas.bob_user, "It is under Settings > Billing.")
    services.vote(answer, personas.alice_user, 1)
    services.accept(topic, answer, personas.alice_user)
    return topic, answer


def test_profiles_me_keeps_the_contract(api, solved, personas):
    response = api(personas.bob_user).get("/community/profiles/me")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"reputation", "trust_level", "badges"}
    assert body["reputation"] == 25 and body["trust_level"] == 0
    slugs = {b["slug"] for b in body["badges"]}
    assert {"first-answer", "first-accepted-answer"} <= slugs
    badge = body["badges"][0]
    assert set(badge) == {"slug", "name", "level", "tag", "awarded_at"}


def test_profiles_me_for_someone_who_never_took_part(api, personas):
    body = api(personas.alice_user).get("/community/profiles/me").json()
    assert body == {"reputation": 0, "trust_level": 0, "badges": []}


def test_profiles_me_needs_a_sign_in(api, db):
    assert api(None).get("/community/profiles/me").status_code == 401


def test_a_public_profile_shows_answers_and_tags_but_no_email(api, solved, personas):
    _, answer = solved
    response = api(None).get(f"/community/profiles/{personas.bob_user.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Bob" and body["reputation"] == 25
    assert body["accepted_answers"] == 1
    assert [a["id"] for a in body["recent_answers"]] == [answer.pk]
    assert body["top_tags"] == [{"tag": "billing", "points": 25}]
    assert "bob@example.com" not in response.content.decode()


def test_answers_in_a_private_category_stay_off_the_public_profile(api, community, personas):
    topic = community.post_topic(personas.bob_user, "Beta question", category=community.private)
    clock.advance(timedelta(minutes=5))
    reply = community.post_reply(topic, personas.bob_user, "Answering my own beta question.")
    public = api(None).get(f"/community/profiles/{personas.bob_user.pk}").json()
    assert public["recent_answers"] == []
    staff = api(personas.anna).get(f"/community/profiles/{personas.bob_user.pk}").json()
    assert [a["id"] for a in staff["recent_answers"]] == [reply.pk]


def test_an_unknown_profile_is_not_found(api, db):
    response = api(None).get("/community/profiles/999999")
    assert response.status_code == 404
    assert response.json()["field"] == "user_id"


def test_the_leaderboard_ranks_members_and_not_staff(api, solved, community, personas):
    topic, _ = solved
    clock.advance(timedelta(minutes=5))
    staff_answer = community.post_reply(topic, personas.anna, "Official: Settings > Billing.")
    services.vote(staff_answer, personas.alice_user, 1)
    body = api(None).get("/community/leaderboard", period="week").json()
    assert body["period"] == "week"
    ranked = [(e["name"], e["points"], e["accepted_answers"]) for e in body["entries"]]
    assert ranked == [("Bob", 25, 1), ("Alice", 2, 0)]


def test_the_leaderboard_by_period_and_tag(api, solved, personas):
    clock.advance(timedelta(days=10))
    week = api(None).get("/community/leaderboard", period="week").json()
    assert week["entries"] == []  # the points were earned ten days ago
    month = api(None).get("/community/leaderboard", period="month", tag="billing").json()
    assert [e["user_id"] for e in month["entries"]] == [
        personas.bob_user.pk,
        personas.alice_user.pk,
    ]
    everyone = api(None).get("/community/leaderboard").json()
    assert everyone["entries"][0]["points"] == 25


def test_the_leaderboard_refuses_bad_input_by_name(api, db):
    response = api(None).get("/community/leaderboard", period="decade")
    assert response.status_code == 400 and response.json()["field"] == "period"
    response = api(None).get("/community/leaderboard", tag="nope")
    assert response.status_code == 404 and response.json()["field"] == "tag"
    response = api(None).get("/community/leaderboard", limit="0")
    assert response.status_code in (400, 422) and response.json()["field"] == "limit"


def test_the_badge_list_counts_awards(api, solved):
    rows = {b["slug"]: b for b in api(None).get("/community/badges").json()}
    assert rows["first-answer"]["awarded"] == 1
    assert rows["tag-expert"]["level"] == "gold"


def test_a_ledger_is_for_its_member_and_staff(api, solved, personas):
    path = f"/community/profiles/{personas.bob_user.pk}/reputation"
    own = api(personas.bob_user).get(path, limit="1")
    assert own.status_code == 200
    body = own.json()
    assert body["count"] == 2 and body["next_offset"] == 1
    assert body["items"][0]["kind"] == "answer_accepted"  # newest first
    assert api(personas.anna).get(path).status_code == 200
    assert api(personas.alice_user).get(path).status_code == 403
    assert api(None).get(path).status_code == 401
