"""Profile, leaderboard and badge pages render from the ledger, without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from helpmesh.community import services
from helpmesh.community.views_profiles import chart
from helpmesh.core import clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def moving_clock():
    with clock.frozen(START):
        yield


@pytest.fixture
def solved(community, personas):
    topic = community.post_topic(personas.alice_user, "Invoice is missing", tags=["billing"])
    clock.advance(timedelta(minutes=5))
    answer = community.post_reply(topic, personas.bob_user, "It is under Settings > Billing.")
    services.accept(topic, answer, personas.alice_user)
    return topic


def test_the_profile_page_shows_standing_badges_answers_and_a_chart(solved, personas):
    response = Client().get(f"/community/u/{personas.bob_user.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<b data-testid="reputation">15</b>' in html
    assert "Solver" in html and "First answer" in html
    assert "Invoice is missing" in html and solved.path in html
    assert "<svg" in html and "15 points" in html  # this week's bar
    assert "bob@example.com" not in html


def test_an_unknown_profile_is_a_404(db):
    assert Client().get("/community/u/999999/").status_code == 404


def test_the_leaderboard_page_filters_by_period_and_tag(solved, personas):
    html = Client().get("/community/leaderboard/", {"period": "week", "tag": "billing"})
    assert html.status_code == 200
    body = html.content.decode()
    assert f"/community/u/{personas.bob_user.pk}/" in body and "Bob" in body
    assert '<option value="billing" selected>' in body


def test_the_leaderboard_page_names_a_bad_period(db):
    response = Client().get("/community/leaderboard/", {"period": "decade"})
    assert response.status_code == 400
    assert "period:" in response.content.decode()


def test_the_badges_page_lists_every_badge_and_who_earned_it(solved, personas):
    body = Client().get("/community/badges/").content.decode()
    assert "Tag expert" in body and "Trusted member" in body
    assert f"/community/u/{personas.bob_user.pk}/" in body


def test_the_chart_draws_negative_weeks_below_the_zero_line():
    weeks = [datetime(2026, 3, d, tzinfo=UTC) for d in (2, 9)]
    drawn = chart([(weeks[0], 30), (weeks[1], -10)])
    up, down = drawn["bars"]
    assert drawn["zero"] == 75.0
    assert (up["y"], up["h"]) == (0.0, 75.0)
    assert (down["y"], down["h"]) == (75.0, 25.0)
