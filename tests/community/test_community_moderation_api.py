"""The moderation API: flags, the queue, decisions, sanctions, the log; 403/404/422/429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.community import services
from helpmesh.community.models import Member, ModerationAction
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_noon():
    with clock.frozen(NOON):
        yield


def test_flag_a_post(api, community, personas):
    post = community.post_topic(personas.alice_user).posts.get()

    response = api(personas.bob_user).post(
        f"/community/posts/{post.pk}/flags", {"reason": "spam", "note": "a watch shop"}
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["post_id"], body["reason"], body["note"], body["status"]) == (
        post.pk,
        "spam",
        "a watch shop",
        "open",
    )
    again = api(personas.bob_user).post(f"/community/posts/{post.pk}/flags", {"reason": "spam"})
    assert again.status_code == 409
    own = api(personas.alice_user).post(f"/community/posts/{post.pk}/flags", {"reason": "spam"})
    assert own.status_code == 403


def test_flag_input_is_checked(api, community, personas):
    post = community.post_topic(personas.alice_user).posts.get()
    bob = api(personas.bob_user)

    bad = bob.post(f"/community/posts/{post.pk}/flags", {"reason": "boring"})
    assert (bad.status_code, bad.json()["field"]) == (422, "reason")
    assert bob.post("/community/posts/999999/flags", {"reason": "spam"}).status_code == 404
    assert (
        api(None).post(f"/community/posts/{post.pk}/flags", {"reason": "spam"}).status_code == 401
    )


def test_the_queue_for_moderators_only(api, community, personas):
    held = community.post_topic(personas.alice_user, approve=False).posts.get()

    assert api(personas.bob_user).get("/community/moderation/queue").status_code == 403
    response = api(personas.anna).get("/community/moderation/queue")

    assert response.status_code == 200
    [post] = response.json()["posts"]
    assert (post["id"], post["held_reason"]) == (held.pk, "first post of a new member")
    assert response.json()["flags"] == []


def test_approve_then_remove_then_restore(api, community, personas):
    held = community.post_topic(personas.alice_user, approve=False).posts.get()
    anna = api(personas.anna)

    approved = anna.post(f"/community/moderation/posts/{held.pk}/approve", {"reason": "fine"})
    assert approved.status_code == 200
    assert approved.json()["visibility"] == "visible"
    assert anna.post(f"/community/moderation/posts/{held.pk}/remove").json()["visibility"] == (
        "removed"
    )
    assert anna.post(f"/community/moderation/posts/{held.pk}/restore").json()["visibility"] == (
        "visible"
    )
    again = anna.post(f"/community/moderation/posts/{held.pk}/restore")
    assert again.status_code == 409
    assert anna.post("/community/moderation/posts/999999/remove").status_code == 404
    assert list(ModerationAction.objects.filter(post=held).values_list("action", flat=True)) == [
        "restore",
        "remove",
        "approve",
    ]


def test_customers_get_403_and_trusted_members_may_moderate(api, community, personas):
    post = community.post_topic(personas.alice_user).posts.get()
    path = f"/community/moderation/posts/{post.pk}/remove"
    assert api(personas.bob_user).post(path).status_code == 403
    assert api(personas.bob_user).post("/community/moderation/posts/999999/remove").status_code == (
        403  # a non-moderator learns nothing about which ids exist
    )

    bob = services.member_for(personas.bob_user)
    bob.trust_level_locked = 4
    bob.save()

    assert api(personas.bob_user).post(path, {"reason": "off topic"}).status_code == 200


def test_resolve_a_flag(api, community, personas):
    post = community.post_topic(personas.alice_user).posts.get()
    flag_id = (
        api(personas.bob_user)
        .post(f"/community/posts/{post.pk}/flags", {"reason": "helpful"})
        .json()["id"]
    )
    anna = api(personas.anna)

    bad = anna.post(f"/community/moderation/flags/{flag_id}/resolve", {"outcome": "maybe"})
    assert (bad.status_code, bad.json()["field"]) == (422, "outcome")
    done = anna.post(f"/community/moderation/flags/{flag_id}/resolve", {"outcome": "upheld"})
    assert (done.status_code, done.json()["status"]) == (200, "upheld")
    assert anna.post(
        "/community/moderation/flags/999999/resolve", {"outcome": "upheld"}
    ).status_code == (404)


def test_silence_for_days_then_reinstate(api, community, personas):
    alice_id = personas.alice_user.pk
    anna = api(personas.anna)

    response = anna.post(
        f"/community/moderation/members/{alice_id}/silence", {"days": 3, "reason": "heated"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "silenced"
    assert response.json()["sanction_until"].startswith("2026-03-05T12:00:00")
    post = community.post_topic(personas.bob_user).posts.get()
    refused = api(personas.alice_user).post(f"/community/posts/{post.pk}/flags", {"reason": "spam"})
    assert (refused.status_code, refused.json()["code"]) == (403, "silenced")

    reinstated = anna.post(f"/community/moderation/members/{alice_id}/reinstate")
    assert reinstated.json()["status"] == "active"


def test_suspend_until_and_the_checks(api, personas):
    anna = api(personas.anna)
    base = "/community/moderation/members"
    alice_id = personas.alice_user.pk

    until = (NOON + timedelta(days=7)).isoformat()
    ok = anna.post(f"{base}/{alice_id}/suspend", {"until": until, "reason": "spam"})
    assert (ok.status_code, ok.json()["status"]) == (200, "suspended")

    neither = anna.post(f"{base}/{alice_id}/suspend", {"reason": "spam"})
    assert (neither.status_code, neither.json()["field"]) == (422, "until")
    zero = anna.post(f"{base}/{alice_id}/suspend", {"days": 0, "reason": "spam"})
    assert (zero.status_code, zero.json()["field"]) == (422, "days")
    no_reason = anna.post(f"{base}/{alice_id}/suspend", {"days": 1})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert anna.post(f"{base}/999999/suspend", {"days": 1, "reason": "x"}).status_code == 404
    staff = anna.post(f"{base}/{personas.ben.pk}/suspend", {"days": 1, "reason": "x"})
    assert staff.status_code == 403
    customer = api(personas.bob_user).post(f"{base}/{alice_id}/suspend", {"days": 1, "reason": "x"})
    assert customer.status_code == 403


def test_the_log_lists_actions_with_audit_events(api, community, personas):
    anna = api(personas.anna)
    anna.post(
        f"/community/moderation/members/{personas.alice_user.pk}/silence",
        {"days": 1, "reason": "a"},
    )
    anna.post(f"/community/moderation/members/{personas.alice_user.pk}/reinstate", {"reason": "b"})

    response = anna.get("/community/moderation/actions")

    assert [(r["action"], r["reason"]) for r in response.json()] == [
        ("reinstate", "b"),
        ("silence", "a"),
    ]
    assert AuditEvent.objects.filter(kind__startswith="community.moderation.").count() == 2
    assert api(personas.bob_user).get("/community/moderation/actions").status_code == 403
    assert anna.get("/community/moderation/actions", limit=0).status_code == 422


def test_a_rate_limit_answers_429_with_retry_after(api, community, personas):
    alice = api(personas.alice_user)
    community.post_topic(personas.alice_user)  # approved: alice posts without approval now
    Member.objects.filter(user=personas.alice_user).update(trust_level=0)
    topic_id = community.post_topic(personas.bob_user).pk
    for n in range(4):
        reply = alice.post(f"/community/topics/{topic_id}/replies", {"body": f"Idea number {n}."})
        assert reply.status_code == 201, reply.json()

    refused = alice.post(f"/community/topics/{topic_id}/replies", {"body": "One more idea."})

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert "per minute" in refused.json()["detail"]
    assert int(refused["Retry-After"]) == 61
    clock.advance(timedelta(seconds=61))
    assert (
        alice.post(f"/community/topics/{topic_id}/replies", {"body": "Later idea."}).status_code
        == 201
    )


def test_trust_sees_a_sanction_in_the_moderation_log(community, personas):
    from helpmesh.community import moderation, trust

    moderation.silence(personas.alice_user, personas.anna, until=None, reason="x")
    assert trust._last_sanction(services.member_for(personas.alice_user)) == NOON
