"""Who hears of a new post: watchers of its topic, category or tags, and the people it mentions.

Listens to ``post_published`` (and ``post_edited`` for mentions added later). Each person gets
one ``PendingNotice`` per post; members who want mail at once get it through the task queue
(``tasks.send_notices``), digest members once a day (``tasks.send_digests``), and members who
turned notices off get none. Mail goes out the way ticket notifications do (Django's mail
backend, plain text plus HTML), never through a second mailer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from helpmesh.accounts.models import User
from helpmesh.community import access, content, events
from helpmesh.community.models import (
    Member,
    Mention,
    NotifyMode,
    PendingNotice,
    Post,
    Visibility,
    Watch,
)
from helpmesh.core import clock

# Why someone hears of a post; the strongest reason wins when several apply.
MENTIONED, ANSWERED, WATCHING = "mentioned", "answered", "watching"
OFFERED = "offered"  # the crowd layer asks an expert to answer
DIGEST_EVERY = timedelta(days=1)


@events.on("post_published")
def _published(post: Post) -> None:
    reasons: dict[int, str] = {}
    for user in _watchers(post):
        reasons[user.pk] = ANSWERED if user.pk == post.topic.author_id else WATCHING
    for user in record_mentions(post):
        reasons[user.pk] = MENTIONED
    reasons.pop(post.author_id, None)
    _notify(post, reasons)


@events.on("post_edited")
def _edited(post: Post, editor: Any) -> None:
    if post.visibility == Visibility.VISIBLE:
        fresh = {u.pk: MENTIONED for u in record_mentions(post)}
        fresh.pop(post.author_id, None)
        _notify(post, fresh)


def record_mentions(post: Post) -> list[User]:
    """The readers ``@named`` in ``post`` not mentioned in it before (``Mention`` rows)."""
    known = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    category = post.topic.category
    found = [
        user
        for user in content.mentioned_users(post.body, exclude=post.author_id)
        if user.pk not in known and access.can_read(user, category)
    ]
    Mention.objects.bulk_create(
        [Mention(post=post, user=user, created_at=clock.now()) for user in found]
    )
    return found


def _watchers(post: Post) -> Iterable[User]:
    topic = post.topic
    watched = Q(topic=topic) | Q(category_id=topic.category_id) | Q(tag__in=topic.tags.all())
    ids = set(Watch.objects.filter(watched).values_list("user_id", flat=True))
    users = User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
    return [u for u in users if access.can_read(u, topic.category)]


def _notify(post: Post, reasons: dict[int, str]) -> None:
    if not reasons:
        return
    modes = dict(Member.objects.filter(user_id__in=reasons).values_list("user_id", "notify"))
    now = clock.now()
    wanted = {pk: why for pk, why in reasons.items() if modes.get(pk) != NotifyMode.OFF}
    PendingNotice.objects.bulk_create(
        [
            PendingNotice(user_id=pk, post=post, reason=why, created_at=now)
            for pk, why in wanted.items()
        ],
        ignore_conflicts=True,
    )
    from helpmesh.community import tasks  # tasks call back into this module to send

    for pk in sorted(wanted):
        if modes.get(pk, NotifyMode.IMMEDIATE) == NotifyMode.IMMEDIATE:
            transaction.on_commit(partial(tasks.send_notices.enqueue, pk))


def offer(question: Post, members: Iterable[User]) -> None:
    """Tell experts the crowd layer offered them a question (``community.crowd.offer``)."""
    _notify(question, {user.pk: OFFERED for user in members if user.pk != question.author_id})


def unsent(user_id: int) -> list[PendingNotice]:
    """``user_id``'s notices not mailed yet, oldest first, of posts still visible."""
    rows = PendingNotice.objects.filter(
        user_id=user_id, sent_at__isnull=True, post__visibility=Visibility.VISIBLE
    )
    return list(rows.select_related("post__topic", "post__author").order_by("created_at", "pk"))


def mail_notices(user_id: int, *, digest: bool) -> int:
    """Mail ``user_id`` their unsent notices in one message; returns how many it carried.

    Each notice is claimed first (``sent_at`` set where still empty), so two workers never
    send one twice."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    notices = unsent(user_id) if user is not None else []
    if user is None:
        return 0
    with transaction.atomic():
        now = clock.now()
        mine = [
            n
            for n in notices
            if PendingNotice.objects.filter(pk=n.pk, sent_at__isnull=True).update(sent_at=now)
        ]
        if mine:
            _send(user, mine, digest)  # a failure rolls the claim back: sent next time
    return len(mine)


def _send(user: User, notices: list[PendingNotice], digest: bool) -> None:
    items = [
        {
            "reason": n.reason,
            "topic": n.post.topic,
            "author": n.post.author.name or "A member",
            "excerpt": content.excerpt(n.post.body, 300),
            "url": f"{settings.BASE_URL}{n.post.topic.path}#post-{n.post_id}",
        }
        for n in notices
    ]
    context = {"user": user, "items": items, "digest": digest, "base_url": settings.BASE_URL}
    first = notices[0].post.topic
    subject = (
        f"Community digest: {len(items)} new posts"
        if digest or len({n.post.topic_id for n in notices}) > 1
        else f"[Community] {first.title}"
    )
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("community/email/notice.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(render_to_string("community/email/notice.html", context), "text/html")
    mail.send()


def digest_recipients() -> list[int]:
    """The digest members with unsent notices who had no digest in the last day (the task
    runs hourly, so a digest goes out about a day after the one before)."""
    digest = Member.objects.filter(notify=NotifyMode.DIGEST).values("user_id")
    recent = PendingNotice.objects.filter(sent_at__gte=clock.now() - DIGEST_EVERY)
    rows = PendingNotice.objects.filter(sent_at__isnull=True, user_id__in=digest)
    rows = rows.exclude(user_id__in=recent.values("user_id"))
    return sorted(set(rows.values_list("user_id", flat=True)))
