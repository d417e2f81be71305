"""The demo's community: months of history, solved and open questions, regulars alice and bob."""

from __future__ import annotations

from django.db.models import Max, Min

from helpmesh.accounts.models import User
from helpmesh.community import services
from helpmesh.community.models import Category, Member, Post, Topic, TopicStatus, Visibility
from helpmesh.demo import seed
from helpmesh.search.models import SearchDocument


def test_the_demo_has_a_lived_in_public_qa_category(db):
    seed.seed(tickets=20, customer_count=10)
    qa = Category.objects.get(is_default=True)
    assert qa.access == "public"
    questions = Topic.objects.filter(category=qa)
    assert 60 <= questions.count() <= 120
    span = questions.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert (span["last"] - span["first"]).days >= 120
    statuses = set(questions.values_list("status", flat=True))
    assert {TopicStatus.SOLVED, TopicStatus.OPEN} <= statuses
    assert Post.objects.filter(is_official=True).exists()
    assert Post.objects.filter(is_official=False, is_question=False).exists()
    assert Topic.objects.filter(tags__isnull=False).exists()
    solved = questions.filter(status=TopicStatus.SOLVED).first()
    assert SearchDocument.objects.get(kind="topic", object_id=solved.pk).boost > 1

    alice, bob = (User.objects.get(email=f"{n}@example.com") for n in ("alice", "bob"))
    for regular in (alice, bob):
        member = Member.objects.get(user=regular)
        assert member.approved_posts >= 5 and member.reputation > 0
    topic = services.ask(alice, title="One more question", body="Does this show at once?")
    assert topic.visibility == Visibility.VISIBLE
