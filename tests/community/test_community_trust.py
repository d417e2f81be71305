"""Trust levels: thresholds, privileges, staff locks, sanctions, settings overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from helpmesh.community import trust
from helpmesh.community.models import Member, MemberStatus, ModerationAction
from helpmesh.core import clock

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_now():
    with clock.frozen(NOW):
        yield


def member(user, *, reputation=0, posts=0, days=0, **fields) -> Member:
    return Member.objects.create(
        user=user,
        reputation=reputation,
        approved_posts=posts,
        joined_at=NOW - timedelta(days=days),
        **fields,
    )


def test_a_new_member_is_level_zero_and_may_not_post_links(personas):
    m = member(personas.alice_user)
    assert trust.level_for(m) == 0
    assert not trust.allows(personas.alice_user, "post_links")


def test_levels_rise_with_reputation_posts_and_days(personas):
    m = member(personas.alice_user, reputation=15, posts=1, days=1)
    assert trust.level_for(m) == 1
    m.reputation, m.approved_posts, m.joined_at = 100, 10, NOW - timedelta(days=14)
    assert trust.level_for(m) == 2
    m.reputation, m.approved_posts, m.joined_at = 500, 50, NOW - timedelta(days=60)
    assert trust.level_for(m) == 3
    m.reputation, m.approved_posts, m.joined_at = 2000, 200, NOW - timedelta(days=180)
    assert trust.level_for(m) == 4


def test_every_threshold_must_be_met(personas):
    # Plenty of reputation is not enough for a member who joined today.
    m = member(personas.alice_user, reputation=5000, posts=500, days=0)
    assert trust.level_for(m) == 0
    m.joined_at = NOW - timedelta(days=20)
    m.approved_posts = 9  # one post short of level 2
    assert trust.level_for(m) == 1


def test_privileges_unlock_by_level(personas):
    member(personas.alice_user, reputation=100, posts=10, days=14)
    assert trust.allows(personas.alice_user, "post_links")
    assert trust.allows(personas.alice_user, "post_images")
    assert trust.allows(personas.alice_user, "edit_others")
    assert not trust.allows(personas.alice_user, "close_duplicates")
    assert not trust.allows(personas.alice_user, "accept_others")
    assert not trust.allows(personas.alice_user, "moderate")


def test_a_staff_lock_wins_over_the_computed_level(personas):
    member(personas.alice_user, reputation=5000, posts=500, days=400, trust_level_locked=0)
    assert not trust.allows(personas.alice_user, "post_links")
    member(personas.bob_user, trust_level_locked=4)
    assert trust.allows(personas.bob_user, "moderate")


def test_staff_may_do_everything_and_anonymous_nothing(personas):
    assert trust.allows(personas.anna, "moderate")  # no Member row needed
    assert trust.allows(personas.root, "accept_others")
    assert not trust.allows(AnonymousUser(), "post_links")
    assert not trust.allows(None, "post_links")


def test_an_unknown_privilege_is_an_error(personas):
    with pytest.raises(ValueError, match="fly"):
        trust.allows(personas.anna, "fly")


def test_a_recent_sanction_holds_the_level_back(personas):
    m = member(personas.alice_user, reputation=100, posts=10, days=100)
    ModerationAction.objects.create(
        action="silence",
        member=personas.alice_user,
        moderator=personas.anna,
        created_at=NOW - timedelta(days=40),
    )
    # Level 1 wants 30 clean days (met), level 2 wants 60 (not met).
    assert trust.level_for(m) == 1
    with clock.frozen(NOW + timedelta(days=21)):
        assert trust.level_for(m) == 2


def test_a_running_sanction_drops_to_level_zero(personas):
    m = member(
        personas.alice_user,
        reputation=100,
        posts=10,
        days=100,
        status=MemberStatus.SILENCED,
        sanction_until=NOW + timedelta(days=3),
    )
    assert trust.level_for(m) == 0


def test_settings_override_a_threshold_row(personas):
    m = member(personas.alice_user, reputation=50, posts=5, days=7)
    assert trust.level_for(m) == 1
    override = {2: {"reputation": 50, "posts": 5, "days": 7, "clean_days": 0}}
    with override_settings(HELPMESH_COMMUNITY_TRUST=override):
        assert trust.level_for(m) == 2
