"""The demo help center: enough real articles, one internal runbook, answers to the demo tickets."""

from __future__ import annotations

from helpmesh.demo import catalog, knowledge
from helpmesh.knowledge.models import Article, ArticleVersion
from helpmesh.search import engine


def test_the_demo_help_center_answers_the_demo_tickets(db):
    made = knowledge.seed()
    published = Article.objects.filter(status="published")
    assert made == published.count() >= 40
    assert published.filter(visibility="agents").count() == 1
    assert published.filter(translation_of__isnull=False).count() == 1
    assert ArticleVersion.objects.count() == made
    assert all(len(a.body) > 200 for a in published)
    unanswered = [
        subject
        for topics in catalog.TOPICS.values()
        for subject, _, _ in topics
        if not engine.search(subject, kinds=["article"], limit=3, log=False).hits
    ]
    assert unanswered == []
