"""Topics in the search index: solved ones first, private groups kept private, duplicates out;
similar questions at ask time; ``helpmesh similar rank --source topics``."""

from __future__ import annotations

import json
from pathlib import Path

from helpmesh.bot import judge
from helpmesh.cli import build_parser
from helpmesh.community import services, similar
from helpmesh.knowledge import services as kb
from helpmesh.search import engine
from helpmesh.search.models import SearchDocument


def _ids(text: str, viewer=None) -> list[int]:
    hits = engine.search(text, viewer=viewer, kinds=["topic"], log=False).hits
    return [h.id for h in hits]


def _solve(community, personas, title: str, body: str, answer: str):
    topic = community.post_topic(personas.alice_user, title, body)
    reply = community.post_reply(topic, personas.anna, answer)
    services.accept(topic, reply, personas.alice_user)
    return topic


def test_a_solved_topic_is_indexed_with_its_answer_and_a_boost(community, personas):
    topic = _solve(
        community, personas, "Invoice shows the wrong VAT", "Why?", "Set your VAT number."
    )
    row = SearchDocument.objects.get(kind="topic", object_id=topic.pk)
    assert "Set your VAT number." in row.body and row.boost > 1
    assert row.url == topic.path and row.audience == "public"
    assert _ids("VAT number") == [topic.pk]  # found by the accepted answer's words
    services.unaccept(topic, personas.alice_user)
    assert SearchDocument.objects.get(kind="topic", object_id=topic.pk).boost == 1


def test_solved_topics_rank_before_open_ones(community, personas):
    community.post_topic(personas.bob_user, "Export reports to CSV", "export reports csv")
    solved = _solve(
        community, personas, "Export reports to CSV", "export reports csv", "Reports → Export."
    )
    assert _ids("export reports csv")[0] == solved.pk


def test_a_private_groups_topic_is_found_by_its_members_and_staff_only(community, personas):
    topic = community.post_topic(
        personas.bob_user, "Beta firmware bricks the router", category=community.private
    )
    row = SearchDocument.objects.get(kind="topic", object_id=topic.pk)
    assert row.group == community.group.slug
    assert _ids("firmware router", personas.bob_user) == [topic.pk]
    assert _ids("firmware router", personas.anna) == [topic.pk]
    assert _ids("firmware router", personas.alice_user) == []
    assert _ids("firmware router") == []


def test_a_customers_topic_is_hidden_from_anonymous_search(community, personas):
    topic = community.post_topic(personas.bob_user, "Lounge coffee", category=community.customers)
    assert _ids("lounge coffee") == []
    assert _ids("lounge coffee", personas.alice_user) == [topic.pk]


def test_held_and_duplicate_topics_are_not_in_the_index(community, personas):
    held = community.post_topic(personas.alice_user, "Held question", approve=False)
    assert not SearchDocument.objects.filter(kind="topic", object_id=held.pk).exists()
    services.publish(held.posts.get(), personas.root)
    assert SearchDocument.objects.filter(kind="topic", object_id=held.pk).exists()
    original = community.post_topic(personas.bob_user, "Original question")
    services.close_as_duplicate(held, original, personas.anna)
    assert not SearchDocument.objects.filter(kind="topic", object_id=held.pk).exists()


def test_the_answer_bot_searches_topics_too(community, personas):
    topic = _solve(community, personas, "Change the billing email", "How?", "Settings → Billing.")
    assert "topic" in judge.KINDS
    hits = engine.search("billing email", kinds=judge.KINDS, log=False).hits
    assert ("topic", topic.pk) in [(h.kind, h.id) for h in hits]


def test_similar_questions_name_topics_and_articles(api, community, personas):
    topic = _solve(community, personas, "Reset two-factor login", "Lost phone", "Use a code.")
    kb.create_article(
        title="Two-factor login recovery",
        body="Recovery codes help when a phone is lost.",
        author=personas.anna,
        status="published",
    )
    found = similar.suggestions("two-factor login lost phone", viewer=personas.bob_user)
    kinds = {(s.kind, s.title) for s in found}
    assert ("topic", "Reset two-factor login") in kinds
    assert ("article", "Two-factor login recovery") in kinds
    assert next(s for s in found if s.kind == "topic").solved
    assert similar.suggestions("two", viewer=None) == []  # too short to help
    listed = api(None).get("/community/similar", q="two-factor login").json()
    assert topic.pk in [s["id"] for s in listed if s["kind"] == "topic"]


def test_the_ask_page_suggests_similar_questions_without_and_with_htmx(community, personas):
    from django.test import Client

    _solve(community, personas, "Printer keeps jamming", "Paper jams", "Clean the roller.")
    client = Client()
    client.force_login(personas.bob_user)
    checked = client.post("/community/ask/", {"title": "printer jamming", "check": "1"})
    assert checked.status_code == 200 and b"Printer keeps jamming" in checked.content
    partial = client.get("/community/ask/similar/", {"title": "printer jamming"})
    assert b"Printer keeps jamming" in partial.content and b"<html" not in partial.content


def test_similar_rank_ranks_community_topics_from_the_database(tmp_path: Path, community, personas):
    jam = community.post_topic(personas.alice_user, "Printer keeps jamming", "paper jam")
    vat = community.post_topic(personas.bob_user, "Wrong VAT on invoice", "vat invoice")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "title": "paper jam in printer"})
        + "\n"
        + json.dumps({"id": "q2", "title": "vat", "candidates": [jam.pk, vat.pk]})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    argv = ["similar", "rank", "--source", "topics", "--queries", str(queries), "--out", str(out)]
    args = build_parser().parse_args(argv)
    assert args.isolated is False  # the live index, not a throwaway one
    assert args.func(args) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[0]["ranked"][0] == jam.pk
    assert lines[1] == {"id": "q2", "ranked": [vat.pk, jam.pk]}
