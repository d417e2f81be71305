"""The community API contract (issue 11): topics, replies, accept; plus the forum's extras."""

from __future__ import annotations

from datetime import timedelta

from helpmesh.community.models import Revision, Topic, TopicStatus
from helpmesh.core import clock


def test_creating_a_topic_without_category_lands_in_the_default(api, community, personas):
    response = api(personas.alice_user).post(
        "/community/topics", {"title": "Where is my invoice?", "body": "Can't find it."}
    )
    assert response.status_code == 201
    topic = Topic.objects.get(pk=response.json()["id"])
    assert topic.category == community.qa
    assert response.json()["category"] == community.qa.slug


def test_a_topic_by_category_slug_or_id_with_tags(api, community, personas):
    client = api(personas.bob_user)
    by_slug = client.post(
        "/community/topics",
        {"title": "Beta crash", "body": "b", "category": "beta-program", "tags": ["Crash"]},
    )
    assert by_slug.status_code == 201 and by_slug.json()["tags"] == ["crash"]
    by_id = client.post(
        "/community/topics", {"title": "Lounge", "body": "b", "category": community.customers.pk}
    )
    assert by_id.json()["category"] == "customers-lounge"


def test_an_empty_title_is_refused_naming_title(api, community, personas):
    response = api(personas.alice_user).post("/community/topics", {"title": " ", "body": "b"})
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "title"


def test_a_category_the_caller_may_not_post_in_names_category(api, community, personas):
    response = api(personas.alice_user).post(
        "/community/topics", {"title": "t", "body": "b", "category": "beta-program"}
    )
    assert response.status_code == 400 and response.json()["field"] == "category"


def test_anonymous_reads_public_topics_but_may_not_write(api, community, personas):
    topic = community.post_topic(personas.alice_user)
    assert api(None).get(f"/community/topics/{topic.pk}").status_code == 200
    assert api(None).post("/community/topics", {"title": "t", "body": "b"}).status_code == 401
    reply = api(None).post(f"/community/topics/{topic.pk}/replies", {"body": "x"})
    assert reply.status_code == 401


def test_a_private_categorys_topic_is_hidden_from_outsiders(api, community, personas):
    topic = community.post_topic(personas.bob_user, "Beta crash", category=community.private)
    assert api(personas.bob_user).get(f"/community/topics/{topic.pk}").status_code == 200
    assert api(personas.anna).get(f"/community/topics/{topic.pk}").status_code == 200
    assert api(personas.alice_user).get(f"/community/topics/{topic.pk}").status_code in (403, 404)
    assert api(None).get(f"/community/topics/{topic.pk}").status_code in (403, 404)
    listed = api(personas.alice_user).get("/community/topics").json()["items"]
    assert topic.pk not in [t["id"] for t in listed]
    reply = api(personas.alice_user).post(f"/community/topics/{topic.pk}/replies", {"body": "x"})
    assert reply.status_code in (403, 404)


def test_replies_and_accept_follow_the_contract(api, community, personas):
    topic = community.post_topic(personas.alice_user)
    community.post_topic(personas.bob_user, "Bob warms up")
    created = api(personas.bob_user).post(
        f"/community/topics/{topic.pk}/replies", {"body": "Use the link again."}
    )
    assert created.status_code == 201
    reply_id = created.json()["id"]
    refused = api(personas.bob_user).post(
        f"/community/topics/{topic.pk}/accept", {"reply_id": reply_id}
    )
    assert refused.status_code == 403
    accepted = api(personas.alice_user).post(
        f"/community/topics/{topic.pk}/accept", {"reply_id": reply_id}
    )
    assert accepted.status_code == 200
    shown = api(None).get(f"/community/topics/{topic.pk}").json()
    assert shown["accepted_reply_id"] == reply_id and shown["status"] == "solved"
    assert [r["id"] for r in shown["replies"]] == [reply_id]
    assert shown["replies"][0]["is_accepted"]


def test_staff_accept_for_the_asker_and_a_foreign_reply_is_404(api, community, personas):
    topic = community.post_topic(personas.alice_user)
    other = community.post_topic(personas.bob_user, "Other")
    foreign = community.post_reply(other, personas.anna, "elsewhere")
    answer = community.post_reply(topic, personas.anna, "Here")
    client = api(personas.anna)
    missing = client.post(f"/community/topics/{topic.pk}/accept", {"reply_id": foreign.pk})
    assert missing.status_code == 404 and missing.json()["field"] == "reply_id"
    ok = client.post(f"/community/topics/{topic.pk}/accept", {"reply_id": answer.pk})
    assert ok.status_code == 200 and ok.json()["accepted_reply_id"] == answer.pk


def test_listing_filters_and_pages(api, community, personas):
    with clock.frozen(clock.now()):
        solved = community.post_topic(personas.alice_user, "Solved one", tags=["billing"])
        answer = community.post_reply(solved, personas.anna, "Done")
        from helpmesh.community import services

        services.accept(solved, answer, personas.alice_user)
        for i in range(3):
            clock.advance(timedelta(minutes=1))
            community.post_topic(personas.bob_user, f"Open {i}")
    client = api(None)
    assert [
        t["title"] for t in client.get("/community/topics", status="solved").json()["items"]
    ] == ["Solved one"]
    assert len(client.get("/community/topics", tag="billing").json()["items"]) == 1
    assert len(client.get("/community/topics", status="unsolved").json()["items"]) == 3
    assert client.get("/community/topics", q="open 2").json()["items"][0]["title"] == "Open 2"
    first = client.get("/community/topics", limit=2).json()
    second = client.get("/community/topics", limit=2, cursor=first["next_cursor"]).json()
    titles = [t["title"] for t in first["items"] + second["items"]]
    assert titles == ["Open 2", "Open 1", "Open 0", "Solved one"]
    assert client.get("/community/topics", status="nope").json()["field"] == "status"


def test_votes_edits_revisions_and_duplicates(api, community, personas):
    topic = community.post_topic(personas.alice_user, "Old title", "Old body")
    copy = community.post_topic(personas.bob_user, "Same question")
    question = topic.posts.get()
    voted = api(personas.bob_user).post(f"/community/posts/{question.pk}/vote", {"value": 1})
    assert voted.status_code == 200 and voted.json()["score"] == 1
    bad = api(personas.bob_user).post(f"/community/posts/{question.pk}/vote", {"value": 5})
    assert bad.status_code == 400 and bad.json()["field"] == "value"
    gone = api(personas.bob_user).delete(f"/community/posts/{question.pk}/vote")
    assert gone.json()["score"] == 0
    edited = api(personas.alice_user).patch(
        f"/community/topics/{topic.pk}", {"title": "New title", "body": "New body"}
    )
    assert edited.status_code == 200 and edited.json()["title"] == "New title"
    assert (
        api(personas.bob_user)
        .patch(f"/community/posts/{question.pk}", {"body": "hijack"})
        .status_code
        == 403
    )
    history = api(None).get(f"/community/posts/{question.pk}/revisions").json()
    assert [r["number"] for r in history] == [1, 2]
    assert "+New body" in history[1]["diff"]
    assert Revision.objects.filter(post=question).count() == 2
    refused = api(personas.bob_user).post(
        f"/community/topics/{copy.pk}/close-duplicate", {"original_id": topic.pk}
    )
    assert refused.status_code == 403
    closed = api(personas.anna).post(
        f"/community/topics/{copy.pk}/close-duplicate", {"original_id": topic.pk}
    )
    assert closed.status_code == 200 and closed.json()["duplicate_of"] == topic.pk
    copy.refresh_from_db()
    assert copy.status == TopicStatus.DUPLICATE


def test_watching_and_categories(api, community, personas):
    topic = community.post_topic(personas.alice_user)
    client = api(personas.bob_user)
    assert client.post(f"/community/topics/{topic.pk}/watch").json() == {"watching": True}
    assert client.delete(f"/community/topics/{topic.pk}/watch").json() == {"watching": False}
    assert client.post("/community/categories/beta-program/watch").status_code == 200
    slugs = [c["slug"] for c in api(None).get("/community/categories").json()]
    assert slugs == ["questions-answers"]
    assert "beta-program" in [c["slug"] for c in client.get("/community/categories").json()]
