"""Screening a new post: sanctions, rate limits, first posts held, spam held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from helpmesh.community import moderation, spam
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Category, Member, MemberStatus, Post, Topic
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def at_noon():
    with clock.frozen(NOON):
        yield


def established(user, **fields) -> Member:
    member = moderation.member_for(user)
    for name, value in {"approved_posts": 3, "trust_level": 1, **fields}.items():
        setattr(member, name, value)
    member.save()
    return member


def old_post(author, body: str, *, ago: timedelta, ip: str | None = None) -> Post:
    category, _ = Category.objects.get_or_create(name="Q&A", slug="qa")
    at = clock.now() - ago
    topic = Topic.objects.create(
        category=category,
        title="A question",
        slug="a-question",
        author=author,
        created_at=at,
        last_activity_at=at,
    )
    return Post.objects.create(
        topic=topic, author=author, body=body, ip_address=ip, created_at=at, updated_at=at
    )


def screen(user, body="How do I reset my password?", ip=None, title="Password reset"):
    return moderation.screen(user, title=title, body=body, ip=ip, topic=None)


def test_a_new_members_first_post_waits_for_approval(personas, at_noon):
    screening = screen(personas.alice_user)

    assert screening == moderation.Screening("pending", "first post of a new member")


def test_an_established_member_posts_at_once(personas, at_noon):
    established(personas.alice_user)

    assert screen(personas.alice_user) == moderation.Screening("visible", "")


@override_settings(HELPMESH_COMMUNITY_APPROVE_FIRST=3)
def test_how_many_first_posts_wait_is_a_setting(personas, at_noon):
    established(personas.alice_user, approved_posts=2)

    assert screen(personas.alice_user).visibility == "pending"


def test_staff_are_never_held(personas, at_noon):
    assert screen(personas.anna).visibility == "visible"
    assert not Member.objects.filter(user=personas.anna).exists()


@pytest.mark.parametrize("status", [MemberStatus.SILENCED, MemberStatus.SUSPENDED])
def test_a_sanctioned_member_is_refused_until_the_sanction_ends(personas, at_noon, status):
    member = established(
        personas.alice_user, status=status, sanction_until=NOON + timedelta(days=2)
    )

    with pytest.raises(CommunityError) as refused:
        screen(personas.alice_user)
    assert refused.value.code == status
    assert refused.value.status == 403

    clock.advance(timedelta(days=2, seconds=1))
    assert screen(personas.alice_user).visibility == "visible"
    member.refresh_from_db()
    assert (member.status, member.sanction_until) == (MemberStatus.ACTIVE, None)
    assert AuditEvent.objects.filter(
        kind="community.sanction_expired", subject_id=personas.alice_user.pk
    ).exists()


def test_a_sanction_without_an_end_stays(personas, at_noon):
    established(personas.alice_user, status=MemberStatus.SUSPENDED, sanction_until=None)
    clock.advance(timedelta(days=400))

    with pytest.raises(CommunityError, match="suspended"):
        screen(personas.alice_user)


def test_a_new_member_may_post_five_times_a_minute(personas, at_noon):
    established(personas.alice_user, trust_level=0)
    for n in range(5):
        old_post(personas.alice_user, f"post number {n}", ago=timedelta(seconds=50 - n))

    with pytest.raises(moderation.RateLimited) as refused:
        screen(personas.alice_user)
    assert refused.value.code == "rate_limited"
    assert "per minute" in refused.value.message
    assert refused.value.retry_after == 11  # the oldest leaves the minute in 10 s

    clock.advance(timedelta(seconds=11))
    assert screen(personas.alice_user).visibility == "visible"


def test_a_trusted_member_has_a_higher_limit(personas, at_noon):
    established(personas.alice_user, trust_level=1)
    for n in range(5):
        old_post(personas.alice_user, f"post number {n}", ago=timedelta(seconds=30))

    assert screen(personas.alice_user).visibility == "visible"


def test_the_daily_limit(personas, at_noon):
    established(personas.alice_user, trust_level=0)
    for n in range(30):
        old_post(personas.alice_user, f"answer {n} about printers", ago=timedelta(hours=20 - n / 2))

    with pytest.raises(CommunityError, match="per day"):
        screen(personas.alice_user)


def test_many_accounts_from_one_address_are_limited(personas, django_user_model, at_noon):
    for n in range(5):
        other = django_user_model.objects.create_user(f"sock{n}@example.com", "pw")
        old_post(other, "hello there", ago=timedelta(hours=1), ip="203.0.113.9")
    established(personas.alice_user)

    with pytest.raises(CommunityError, match="one address"):
        screen(personas.alice_user, ip="203.0.113.9")
    assert screen(personas.alice_user, ip="198.51.100.1").visibility == "visible"


def test_spam_is_held_with_the_classifiers_reasons(personas, at_noon):
    established(personas.alice_user, trust_level=0)
    body = "Win at the casino with crypto! http://a.example http://b.example http://c.example"

    screening = screen(personas.alice_user, body=body)

    assert screening.visibility == "pending"
    assert screening.reason.startswith("likely spam: ")
    assert "3 links" in screening.reason
    assert "casino" in screening.reason


def never_spam(author, title, body, recent_posts) -> spam.Verdict:
    return spam.Verdict(spam=False, score=0.0, reasons=[])


def always_spam(author, title, body, recent_posts) -> spam.Verdict:
    return spam.Verdict(spam=True, score=0.99, reasons=[f"model saw {len(recent_posts)} posts"])


def test_a_classifier_plugged_through_settings_decides(personas, at_noon, settings):
    established(personas.alice_user)
    old_post(personas.alice_user, "an earlier post", ago=timedelta(days=3))
    settings.HELPMESH_COMMUNITY_SPAM_CLASSIFIER = f"{__name__}.always_spam"

    assert screen(personas.alice_user) == moderation.Screening(
        "pending", "likely spam: model saw 1 posts"
    )

    settings.HELPMESH_COMMUNITY_SPAM_CLASSIFIER = f"{__name__}.never_spam"
    casino = "CASINO CRYPTO BITCOIN http://a.example http://b.example http://c.example " * 3
    assert screen(personas.alice_user, body=casino).visibility == "visible"
