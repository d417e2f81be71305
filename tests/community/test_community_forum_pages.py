"""Forum pages: reading, private categories, posting without JavaScript, XSS, QAPage data."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from helpmesh.community.models import Post, TopicStatus
from helpmesh.core import clock


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anyone_reads_the_home_and_a_public_topic(community, personas):
    topic = community.post_topic(personas.alice_user, "Printer says offline")
    home = client_for().get("/community/")
    assert home.status_code == 200 and b"Printer says offline" in home.content
    page = client_for().get(topic.path)
    assert page.status_code == 200
    assert b"The reset link in the mail says it expired." in page.content


def test_an_old_slug_redirects_to_the_topics_address(community, personas):
    topic = community.post_topic(personas.alice_user)
    response = client_for().get(f"/community/t/{topic.pk}-old-title/")
    assert response.status_code == 301 and response["Location"] == topic.path


def test_a_private_groups_topic_is_a_404_for_outsiders(community, personas):
    topic = community.post_topic(personas.bob_user, "Beta crash", category=community.private)
    assert client_for(personas.bob_user).get(topic.path).status_code == 200
    assert client_for(personas.anna).get(topic.path).status_code == 200
    assert client_for(personas.alice_user).get(topic.path).status_code == 404
    assert client_for().get(topic.path).status_code == 404
    home = client_for(personas.alice_user).get("/community/")
    assert b"Beta crash" not in home.content and b"Beta program" not in home.content
    assert client_for(personas.alice_user).get("/community/c/beta-program/").status_code == 404


def test_a_customers_category_needs_a_sign_in(community, personas):
    topic = community.post_topic(personas.alice_user, "Lounge talk", category=community.customers)
    assert client_for().get(topic.path).status_code == 404
    assert client_for(personas.bob_user).get(topic.path).status_code == 200


def test_a_held_post_shows_to_its_author_and_staff_only(community, personas):
    topic = community.post_topic(personas.alice_user)
    held = community.post_reply(topic, personas.bob_user, "Words from bob", approve=False)
    assert held.visibility == "pending"
    for user, shown in [
        (personas.bob_user, True),
        (personas.anna, True),
        (personas.alice_user, False),
        (None, False),
    ]:
        page = client_for(user).get(topic.path).content.decode()
        assert ("Words from bob" in page) is shown, user
    assert "Awaiting approval" in client_for(personas.bob_user).get(topic.path).content.decode()


def test_asking_replying_voting_and_accepting_work_without_javascript(community, personas):
    alice, bob = client_for(personas.alice_user), client_for(personas.bob_user)
    community.post_topic(personas.alice_user, "Warm up")  # alice's first post is approved
    community.post_topic(personas.bob_user, "Warm up too")
    response = alice.post(
        "/community/ask/",
        {"title": "Invoices missing in March", "body": "Where are they?", "tags": "billing"},
    )
    assert response.status_code == 302
    topic_path = response["Location"]
    topic_id = int(re.search(r"/t/(\d+)-", topic_path).group(1))
    response = bob.post(f"/community/t/{topic_id}/reply/", {"body": "Under *Billing*."})
    assert response.status_code == 302
    answer = Post.objects.get(topic_id=topic_id, is_question=False)
    assert alice.post(f"/community/posts/{answer.pk}/vote/", {"value": "1"}).status_code == 302
    assert bob.post(f"/community/t/{topic_id}/accept/", {"post": answer.pk}).status_code == 302
    answer.topic.refresh_from_db()
    assert answer.topic.status == TopicStatus.OPEN  # bob may not accept alice's question
    alice.post(f"/community/t/{topic_id}/accept/", {"post": answer.pk})
    answer.topic.refresh_from_db()
    assert answer.topic.status == TopicStatus.SOLVED
    page = alice.get(topic_path).content.decode()
    assert "Accepted answer" in page and "<em>Billing</em>" in page


def test_htmx_vote_returns_the_widget(community, personas):
    topic = community.post_topic(personas.alice_user)
    question = topic.posts.get()
    response = client_for(personas.bob_user).post(
        f"/community/posts/{question.pk}/vote/", {"value": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b'class="vote-score" aria-label="score">1<' in response.content


def test_an_empty_title_is_refused_naming_the_title(community, personas):
    response = client_for(personas.alice_user).post("/community/ask/", {"title": "", "body": "b"})
    assert response.status_code == 400
    assert b"title must not be empty" in response.content


def test_script_javascript_links_and_onerror_never_reach_the_page(community, personas):
    community.post_topic(personas.alice_user, "Warm up")
    body = (
        "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        '<img src=x onerror="alert(3)">\n\n</script><script>alert(4)</script>'
    )
    topic = community.post_topic(personas.anna, "</script><script>alert(5)</script>", body)
    page = client_for().get(topic.path).content.decode()
    assert "<script>alert" not in page  # neither in the post nor in the JSON-LD
    assert not re.search(r"href=[\"']?javascript:", page, re.I)
    assert not re.search(r"<[a-z][^>]*\sonerror\s*=", page, re.I)  # shown as text at most


def test_the_question_page_carries_qapage_data_with_the_accepted_answer(community, personas):
    topic = community.post_topic(personas.alice_user, "Export to CSV?", "How do I export?")
    other = community.post_reply(topic, personas.bob_user, "Maybe the API?")
    answer = community.post_reply(topic, personas.anna, "Use **Reports → Export**.")
    from helpmesh.community import services

    services.accept(topic, answer, personas.alice_user)
    page = client_for().get(topic.path).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["name"] == "Export to CSV?" and question["answerCount"] == 2
    assert question["acceptedAnswer"]["text"] == "Use Reports → Export."
    assert question["acceptedAnswer"]["url"].endswith(f"#post-{answer.pk}")
    assert [a["text"] for a in question["suggestedAnswer"]] == [other.body]
    assert "Official answer" in page


def test_a_topic_page_costs_the_same_queries_with_many_replies(community, personas):
    topic = community.post_topic(personas.alice_user)
    community.post_topic(personas.bob_user, "Warm up")
    client = client_for(personas.alice_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(topic.path).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    with clock.frozen(clock.now()):
        for i in range(15):
            clock.advance(timedelta(minutes=1))  # within the rate limits
            author = personas.bob_user if i % 2 else personas.anna
            community.post_reply(topic, author, f"Reply {i}")
    assert queries() == few
    assert few <= 20


def test_the_portal_help_center_and_inbox_link_to_the_community(community, personas):
    customer, agent = client_for(personas.alice_user), client_for(personas.anna)
    assert b'href="/community/"' in customer.get("/portal/").content
    assert b'href="/community/"' in client_for().get("/help/").content
    assert b'href="/community/"' in agent.get("/inbox/").content
