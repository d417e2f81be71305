"""Every change to the forum: the only writer of topics, posts, votes and revisions.

Each function runs in one audit unit and tells listeners what happened through
``community.events`` (reputation, badges, search, notifications, the crowd layer), so the forum
never imports them. Posting asks ``moderation.screen`` whether a post shows at once or waits for
approval; privileges (links, images, editing others, closing duplicates, accepting for others)
are ``trust.allows`` (both through ``community.rules``). Members, categories, groups and
watching live in ``community.directory`` and are re-exported here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Sum

from helpmesh.accounts.models import User
from helpmesh.community import access, content, directory, events, rules
from helpmesh.community.directory import (  # noqa: F401 - part of this module's interface
    add_to_group,
    create_category,
    create_group,
    default_category,
    member_for,
    set_notify,
    unwatch,
    watch,
)
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import (
    Category,
    Member,
    Post,
    Revision,
    Topic,
    TopicKind,
    TopicStatus,
    Visibility,
    Vote,
)
from helpmesh.core import audit, clock

CLOSED = (TopicStatus.CLOSED, TopicStatus.DUPLICATE)


# -- asking and replying ----------------------------------------------------------------------


def ask(
    author: User,
    *,
    title: str,
    body: str,
    category: Category | None = None,
    tags: Any = (),
    kind: str | None = None,
    ip: str | None = None,
) -> Topic:
    """Open a topic: its question is its first post. Shown at once or held for approval as
    moderation decides; the asker watches it from now on."""
    _check_poster(author)
    title, body = rules.title(title), rules.body(body)
    category = category or directory.default_category()
    if not access.can_read(author, category):
        raise CommunityError("no such category", "category", "not_found")
    kind = rules.choice(kind or category.default_kind, TopicKind, "kind")
    tag_rows = rules.tags(tags)
    rules.check_privileges(author, body)
    verdict = rules.screen(author, title=title, body=body, ip=ip, topic=None)
    now = clock.now()
    with audit.unit():
        topic = Topic.objects.create(
            category=category,
            kind=kind,
            title=title,
            slug=rules.slug(title),
            author=author,
            visibility=verdict.visibility,
            created_at=now,
            last_activity_at=now,
        )
        topic.tags.set(tag_rows)
        post = _new_post(topic, author, body, verdict, ip, is_question=True)
        audit.record(
            "community.topic.asked",
            "community_topic",
            topic.pk,
            actor=author,
            data={"title": title, "category": category.slug, "visibility": post.visibility},
        )
        if post.visibility == Visibility.VISIBLE:
            _published(post)
    return topic


def reply(topic: Topic, author: User, body: str, *, ip: str | None = None) -> Post:
    """Answer ``topic``. A staff member's reply is an official answer; the replier watches the
    topic from now on."""
    _check_poster(author)
    access.topic_for(author, topic.pk)
    if topic.status in CLOSED:
        raise CommunityError("the topic is closed", "topic", "conflict")
    body = rules.body(body)
    rules.check_privileges(author, body)
    verdict = rules.screen(author, title="", body=body, ip=ip, topic=topic)
    with audit.unit():
        post = _new_post(topic, author, body, verdict, ip, is_question=False)
        audit.record(
            "community.post.replied",
            "community_topic",
            topic.pk,
            actor=author,
            data={"post": post.pk, "visibility": post.visibility, "official": post.is_official},
        )
        if post.visibility == Visibility.VISIBLE:
            _published(post)
    return post


def publish(post: Post, by: User | None) -> Post:
    """Make a held post visible: what moderation's approval calls. Updates the topic's
    counters and the author's ``approved_posts``, then emits ``post_published``."""
    if post.visibility == Visibility.VISIBLE:
        return post
    with audit.unit():
        post.visibility, post.held_reason = Visibility.VISIBLE, ""
        post.save(update_fields=["visibility", "held_reason"])
        if post.is_question:
            Topic.objects.filter(pk=post.topic_id).update(visibility=Visibility.VISIBLE)
            post.topic.visibility = Visibility.VISIBLE
        audit.record(
            "community.post.published",
            "community_topic",
            post.topic_id,
            actor=by,
            data={"post": post.pk},
        )
        _published(post)
    return post


def _new_post(
    topic: Topic, author: User, body: str, verdict: Any, ip: str | None, *, is_question: bool
) -> Post:
    now = clock.now()
    pending = verdict.visibility == Visibility.PENDING
    post = Post.objects.create(
        topic=topic,
        author=author,
        body=body,
        is_question=is_question,
        is_official=not is_question and access.is_staff(author),
        visibility=Visibility.PENDING if pending else Visibility.VISIBLE,
        held_reason=(verdict.reason or "")[:200] if pending else "",
        ip_address=ip,
        created_at=now,
        updated_at=now,
    )
    Revision.objects.create(
        post=post,
        number=1,
        title=topic.title if is_question else "",
        body=body,
        editor=author,
        created_at=now,
    )
    Member.objects.filter(pk=directory.member_for(author).pk).update(last_posted_at=now)
    directory.watch_quietly(author, topic=topic)
    return post


def _published(post: Post) -> None:
    """A post became visible: the topic's counters and the author's count of approved posts
    (what moderation and trust levels read) follow, then listeners hear of it."""
    refresh_counters(post.topic)
    Member.objects.filter(user_id=post.author_id).update(approved_posts=F("approved_posts") + 1)
    events.emit("post_published", post=post)


def refresh_counters(topic: Topic) -> Topic:
    """Recount ``topic``'s visible replies, its last activity and its first answer (the first
    visible reply by someone other than the asker)."""
    replies = topic.posts.filter(is_question=False, visibility=Visibility.VISIBLE)
    latest = replies.order_by("-created_at").values_list("created_at", flat=True).first()
    first = (
        replies.exclude(author_id=topic.author_id)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    topic.reply_count = replies.count()
    topic.last_activity_at = max(filter(None, [topic.created_at, latest]))
    topic.first_answer_at = first
    topic.save(update_fields=["reply_count", "last_activity_at", "first_answer_at"])
    return topic


@events.on("post_removed")
def _removed(post: Post, by: Any) -> None:
    # Moderation took a post down: a removed accepted answer no longer solves the topic.
    topic = Topic.objects.get(pk=post.topic_id)
    if topic.accepted_post_id == post.pk:
        _clear_acceptance(topic)
    refresh_counters(topic)


@events.on("post_restored")
def _restored(post: Post, by: Any) -> None:
    refresh_counters(Topic.objects.get(pk=post.topic_id))


# -- editing ----------------------------------------------------------------------------------


def edit_post(
    post: Post, editor: User, *, body: str, title: str | None = None, reason: str = ""
) -> Post:
    """Edit a post (and, on a question, its topic's title), saving a new revision. Someone
    else's post needs the ``edit_others`` privilege. An unchanged text makes no revision."""
    _check_poster(editor)
    if editor.pk != post.author_id and not rules.allows(editor, "edit_others"):
        raise CommunityError("you may not edit other members' posts", "post", "forbidden")
    body = rules.body(body)
    topic = post.topic
    new_title = rules.title(title) if (title is not None and post.is_question) else topic.title
    if body == post.body and new_title == topic.title:
        return post
    rules.check_privileges(editor, body)
    now = clock.now()
    with audit.unit():
        post.body, post.updated_at, post.revision = body, now, post.revision + 1
        post.save(update_fields=["body", "updated_at", "revision"])
        if new_title != topic.title:
            topic.title, topic.slug = new_title, rules.slug(new_title)
            topic.save(update_fields=["title", "slug"])
        Revision.objects.create(
            post=post,
            number=post.revision,
            title=topic.title if post.is_question else "",
            body=body,
            editor=editor,
            reason=reason.strip()[:200],
            created_at=now,
        )
        audit.record(
            "community.post.edited",
            "community_topic",
            topic.pk,
            actor=editor,
            data={"post": post.pk, "revision": post.revision, "reason": reason[:200]},
        )
        events.emit("post_edited", post=post, editor=editor)
    return post


def revision_diff(post: Post, number: int) -> str:
    """The unified diff from revision ``number - 1`` to ``number`` of ``post``."""
    rows = {r.number: r for r in post.revisions.filter(number__in=(number - 1, number))}
    if number not in rows or number - 1 not in rows:
        raise CommunityError("no such revision", "revision", "not_found")
    a, b = rows[number - 1], rows[number]
    return content.diff(a.title, a.body, b.title, b.body, a.number, b.number)


# -- votes ------------------------------------------------------------------------------------


def vote(post: Post, voter: User, value: int, *, ip: str | None = None, device: str = "") -> Vote:
    """Vote a post up (+1) or down (-1); voting again with the other value changes the vote."""
    if value not in (1, -1):
        raise CommunityError("a vote is 1 or -1", "value")
    rules.check_can_act(voter)
    _check_votable(post, voter)
    existing = Vote.objects.filter(post=post, voter=voter).first()
    if existing is not None and existing.value == value:
        return existing
    with audit.unit():
        previous = existing.value if existing else None
        if existing is None:
            existing = Vote.objects.create(
                post=post,
                voter=voter,
                value=value,
                ip_address=ip,
                device=device[:64],
                created_at=clock.now(),
            )
        else:
            existing.value = value
            existing.save(update_fields=["value"])
        _rescore(post)
        audit.record(
            "community.vote.cast",
            "community_topic",
            post.topic_id,
            actor=voter,
            data={"post": post.pk, "value": value, "previous": previous},
        )
        events.emit("vote_cast", vote=existing, previous=previous)
    return existing


def withdraw_vote(post: Post, voter: User) -> None:
    """Take back ``voter``'s vote on ``post``."""
    existing = Vote.objects.filter(post=post, voter=voter).first()
    if existing is None:
        raise CommunityError("you have not voted on this post", "vote", "not_found")
    with audit.unit():
        events.emit("vote_withdrawn", vote=existing)
        existing.delete()
        _rescore(post)
        audit.record(
            "community.vote.withdrawn",
            "community_topic",
            post.topic_id,
            actor=voter,
            data={"post": post.pk},
        )


def _rescore(post: Post) -> None:
    post.score = post.votes.aggregate(total=Sum("value"))["total"] or 0
    post.save(update_fields=["score"])
    if post.is_question:
        Topic.objects.filter(pk=post.topic_id).update(score=post.score)


def _check_votable(post: Post, voter: User) -> None:
    if post.visibility != Visibility.VISIBLE:
        raise CommunityError("no such post", "post", "not_found")
    access.topic_for(voter, post.topic_id)


# -- accepting, closing -----------------------------------------------------------------------


def may_accept(user: Any, topic: Topic) -> bool:
    """The asker, staff, or a member whose trust level allows accepting for others."""
    if not access.signed_in(user):
        return False
    if user.pk == topic.author_id or access.is_staff(user):
        return True
    return rules.allows(user, "accept_others")


def accept(topic: Topic, post: Post, by: User) -> Topic:
    """Mark ``post`` as the answer: the topic is solved (replacing an earlier accepted one)."""
    if not may_accept(by, topic):
        raise CommunityError("only the asker or staff accept an answer", "topic", "forbidden")
    if post.topic_id != topic.pk or post.is_question or post.visibility != Visibility.VISIBLE:
        raise CommunityError("that is not a reply to this topic", "reply_id", "not_found")
    if topic.kind != TopicKind.QUESTION or topic.status in CLOSED:
        raise CommunityError("only an open question takes an answer", "topic", "conflict")
    if topic.accepted_post_id == post.pk:
        return topic
    with audit.unit():
        if topic.accepted_post_id:
            events.emit("answer_unaccepted", topic=topic, post=topic.accepted_post, by=by)
        topic.status, topic.solved_at = TopicStatus.SOLVED, clock.now()
        topic.accepted_post, topic.accepted_by = post, by
        topic.save(update_fields=["status", "solved_at", "accepted_post", "accepted_by"])
        audit.record(
            "community.answer.accepted",
            "community_topic",
            topic.pk,
            actor=by,
            data={"post": post.pk, "answerer": post.author_id},
        )
        events.emit("answer_accepted", topic=topic, post=post, by=by)
    return topic


def unaccept(topic: Topic, by: User) -> Topic:
    """Take the accepted mark off: the topic is open again."""
    if not may_accept(by, topic):
        raise CommunityError("only the asker or staff unaccept an answer", "topic", "forbidden")
    post = topic.accepted_post
    if post is None:
        raise CommunityError("no answer is accepted", "topic", "conflict")
    with audit.unit():
        _clear_acceptance(topic)
        audit.record(
            "community.answer.unaccepted",
            "community_topic",
            topic.pk,
            actor=by,
            data={"post": post.pk},
        )
        events.emit("answer_unaccepted", topic=topic, post=post, by=by)
    return topic


def _clear_acceptance(topic: Topic) -> None:
    topic.accepted_post, topic.accepted_by, topic.solved_at = None, None, None
    if topic.status == TopicStatus.SOLVED:
        topic.status = TopicStatus.OPEN
    topic.save(update_fields=["accepted_post", "accepted_by", "solved_at", "status"])


def close_as_duplicate(topic: Topic, original: Topic, by: User) -> Topic:
    """Close ``topic`` pointing at ``original`` (needs the ``close_duplicates`` privilege)."""
    if not access.signed_in(by) or not rules.allows(by, "close_duplicates"):
        raise CommunityError("you may not close duplicates yet", "topic", "forbidden")
    original = original.duplicate_of or original  # point at the original, never at a copy
    if original.pk == topic.pk:
        raise CommunityError("a topic is not a duplicate of itself", "original_id")
    access.topic_for(by, original.pk)
    return _close(topic, by, TopicStatus.DUPLICATE, original)


def close(topic: Topic, by: User) -> Topic:
    """Close ``topic`` to replies (staff, or the ``moderate`` privilege)."""
    if not access.signed_in(by) or not rules.allows(by, "moderate"):
        raise CommunityError("only moderators close topics", "topic", "forbidden")
    return _close(topic, by, TopicStatus.CLOSED, None)


def _close(topic: Topic, by: User, status: str, original: Topic | None) -> Topic:
    if topic.status in CLOSED:
        raise CommunityError("the topic is already closed", "topic", "conflict")
    with audit.unit():
        topic.status, topic.duplicate_of = status, original
        topic.save(update_fields=["status", "duplicate_of"])
        audit.record(
            f"community.topic.{status}",
            "community_topic",
            topic.pk,
            actor=by,
            data={"original": original.pk if original else None},
        )
        events.emit("topic_closed", topic=topic, by=by)
    return topic


def reopen(topic: Topic, by: User) -> Topic:
    """Open a closed topic again (solved again if it still has an accepted answer)."""
    if not access.signed_in(by) or not rules.allows(by, "moderate"):
        raise CommunityError("only moderators reopen topics", "topic", "forbidden")
    if topic.status not in CLOSED:
        raise CommunityError("the topic is not closed", "topic", "conflict")
    from helpmesh.community import indexing  # indexing listens to events; reopen has none

    with audit.unit():
        topic.status = TopicStatus.SOLVED if topic.accepted_post_id else TopicStatus.OPEN
        topic.duplicate_of = None
        topic.save(update_fields=["status", "duplicate_of"])
        audit.record("community.topic.reopened", "community_topic", topic.pk, actor=by)
        indexing.sync(topic)
    return topic


def record_view(topic: Topic) -> None:
    """Count one reading (not audited: reading changes no state anyone reviews)."""
    Topic.objects.filter(pk=topic.pk).update(view_count=F("view_count") + 1)


def set_tags(topic: Topic, names: Any, *, by: User) -> Topic:
    """Replace ``topic``'s tags (the asker, or someone who may edit others' posts)."""
    if by.pk != topic.author_id and not rules.allows(by, "edit_others"):
        raise CommunityError("you may not retag other members' topics", "tags", "forbidden")
    rows = rules.tags(names)
    with audit.unit():
        topic.tags.set(rows)
        audit.record(
            "community.topic.tagged",
            "community_topic",
            topic.pk,
            actor=by,
            data={"tags": [t.name for t in rows]},
        )
    return topic


def _check_poster(user: Any) -> None:
    rules.check_can_act(user)
    directory.member_for(user)
