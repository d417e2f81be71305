"""What a topic page shows, built in a fixed number of queries whatever the number of replies.

The question, then the accepted answer, then the other replies by votes and time; each post's
Markdown rendered and sanitized; the reader's own votes; and the schema.org ``QAPage`` data
search engines read (the question with its ``acceptedAnswer`` and ``suggestedAnswer``s).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from helpmesh.community import access, content, rules, services
from helpmesh.community.models import Post, Topic, TopicKind, TopicStatus, Visibility, Vote, Watch

# JSON inside <script> must not close the element or open a comment: escape <, > and &.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
SUGGESTED_ANSWERS = 5


def topic_context(topic: Topic, viewer: Any) -> dict[str, Any]:
    """Everything the topic page template needs."""
    posts = list(
        access.visible_posts(viewer, topic)
        .select_related("author__community_member")
        .order_by("created_at", "id")
    )
    my_votes = _my_votes(viewer, posts)
    root = reverse("community:home")
    for post in posts:
        _decorate(post, topic, my_votes, root)
    question = next((p for p in posts if p.is_question), None)
    accepted = next((p for p in posts if p.pk == topic.accepted_post_id), None)
    others = sorted(
        (p for p in posts if not p.is_question and p is not accepted),
        key=lambda p: (-p.score, p.created_at, p.pk),
    )
    signed_in = access.signed_in(viewer)
    return {
        "topic": topic,
        "question": question,
        "accepted": accepted,
        "replies": others,
        "tags": list(topic.tags.all()),
        "can_accept": topic.kind == TopicKind.QUESTION and services.may_accept(viewer, topic),
        "can_reply": signed_in and topic.status not in services.CLOSED,
        "signed_in": signed_in,
        "watching": signed_in and Watch.objects.filter(user=viewer, topic=topic).exists(),
        "is_staff": access.is_staff(viewer),
        "can_edit_others": signed_in and rules.allows(viewer, "edit_others"),
        "root": root,
        "jsonld": qa_page(topic, question, accepted, others),
        "duplicate_of": topic.duplicate_of if topic.status == TopicStatus.DUPLICATE else None,
    }


def one_post(post: Post, context: dict[str, Any]) -> Post:
    """``post`` decorated like the page's posts (for an htmx partial of one reply)."""
    return _decorate(post, context["topic"], {}, context["root"])


def _decorate(post: Post, topic: Topic, my_votes: dict[int, int], root: str) -> Post:
    # Addresses and dates as plain strings: with 200 replies, a {% url %} and a |date per post
    # cost more than the rest of the row.
    post.base = f"{root}posts/{post.pk}/"  # type: ignore[attr-defined]
    shown = localtime(post.created_at)
    post.iso = shown.isoformat()  # type: ignore[attr-defined]
    post.when = f"{shown.day} {shown:%b %Y, %H:%M}"  # type: ignore[attr-defined]
    post.html = content.render(post.body)  # type: ignore[attr-defined]
    post.my_vote = my_votes.get(post.pk, 0)  # type: ignore[attr-defined]
    post.is_accepted = post.pk == topic.accepted_post_id  # type: ignore[attr-defined]
    member = getattr(post.author, "community_member", None)
    post.reputation = member.reputation if member else 0  # type: ignore[attr-defined]
    return post


def _my_votes(viewer: Any, posts: list[Post]) -> dict[int, int]:
    if not access.signed_in(viewer) or not posts:
        return {}
    rows = Vote.objects.filter(voter=viewer, post__topic_id=posts[0].topic_id)
    return dict(rows.values_list("post_id", "value"))


def vote_context(post: Post, viewer: Any) -> dict[str, Any]:
    """The vote widget of one post, after a vote."""
    mine = Vote.objects.filter(post=post, voter=viewer).values_list("value", flat=True).first()
    post.my_vote = mine or 0  # type: ignore[attr-defined]
    post.base = f"{reverse('community:home')}posts/{post.pk}/"  # type: ignore[attr-defined]
    return {"post": post, "signed_in": True}


def device(request: HttpRequest) -> str:
    """A hash of the browser's user agent (what the vote-ring checks compare, never the text)."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    return hashlib.sha256(agent.encode()).hexdigest()[:32] if agent else ""


def qa_page(
    topic: Topic, question: Post | None, accepted: Post | None, others: list[Post]
) -> SafeString:
    """schema.org QAPage JSON-LD for a question, safe to place inside a ``<script>``."""
    if topic.kind != TopicKind.QUESTION or question is None:
        return mark_safe("")
    shown = [p for p in others if p.visibility == Visibility.VISIBLE]
    entity: dict[str, Any] = {
        "@type": "Question",
        "name": topic.title,
        "text": content.plain_text(question.body),
        "answerCount": topic.reply_count,
        "upvoteCount": question.score,
        "dateCreated": question.created_at.isoformat(),
        "author": _person(question),
    }
    if accepted is not None and accepted.visibility == Visibility.VISIBLE:
        entity["acceptedAnswer"] = _answer(topic, accepted)
    if shown:
        entity["suggestedAnswer"] = [_answer(topic, p) for p in shown[:SUGGESTED_ANSWERS]]
    data = {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE))  # noqa: S308 - escaped above


def _answer(topic: Topic, post: Post) -> dict[str, Any]:
    return {
        "@type": "Answer",
        "text": content.plain_text(post.body),
        "upvoteCount": post.score,
        "dateCreated": post.created_at.isoformat(),
        "url": f"{settings.BASE_URL}{topic.path}#post-{post.pk}",
        "author": _person(post),
    }


def _person(post: Post) -> dict[str, str]:
    return {"@type": "Person", "name": post.author.name or "Member"}
