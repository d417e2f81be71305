"""A small community: a public Q&A category (the default), a customers-only category and a
private group's category (bob is in the group, alice is not).

``community.post_topic(user, ...)`` and ``community.post_reply(topic, user, ...)`` write through
``community.services`` as that user; a post moderation holds (a new member's first post) is
approved by root, so after their first post alice and bob post without approval, as members
who have been around for a while.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from helpmesh.community import services
from helpmesh.community.models import Category, MemberGroup, Post, Topic, Visibility


@dataclass
class Community:
    personas: Any
    qa: Category  # public, the default
    customers: Category  # signed-in customers only
    group: MemberGroup  # bob only
    private: Category  # the group's category

    def post_topic(
        self,
        user,
        title: str = "How do I reset my password?",
        body: str = "The reset link in the mail says it expired.",
        *,
        category: Category | None = None,
        tags=(),
        approve: bool = True,
    ) -> Topic:
        """Ask as ``user``; a held question is approved by root unless ``approve`` is False."""
        topic = services.ask(user, title=title, body=body, category=category, tags=tags)
        question = topic.posts.get(is_question=True)
        if approve and question.visibility == Visibility.PENDING:
            services.publish(question, self.personas.root)
            topic.refresh_from_db()
        return topic

    def post_reply(
        self, topic: Topic, user, body: str = "Request a new link.", *, approve: bool = True
    ) -> Post:
        """Reply as ``user``; a held reply is approved by root unless ``approve`` is False."""
        post = services.reply(topic, user, body)
        if approve and post.visibility == Visibility.PENDING:
            services.publish(post, self.personas.root)
        topic.refresh_from_db()
        return post


@pytest.fixture
def community(personas) -> Community:
    qa = services.create_category(
        "Questions & answers", description="Ask the community", is_default=True
    )
    customers = services.create_category("Customers lounge", access="customers")
    group = services.create_group("Beta testers", members=[personas.bob_user])
    private = services.create_category("Beta program", access="group", group=group)
    return Community(personas, qa, customers, group, private)
