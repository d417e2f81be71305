"""Members, categories, private groups and watching: the forum's directory.

Part of the forum's write path (``community.services`` re-exports these): each change runs in
one audit unit.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from helpmesh.accounts.models import User
from helpmesh.community import access, rules
from helpmesh.community.errors import CommunityError, required
from helpmesh.community.models import (
    Access,
    Category,
    Member,
    MemberGroup,
    NotifyMode,
    Tag,
    Topic,
    TopicKind,
    Watch,
)
from helpmesh.core import audit, clock


def member_for(user: User) -> Member:
    """The community standing of ``user``, created (joined now) on first use."""
    member = Member.objects.filter(user=user).first()
    if member is not None:
        return member
    with audit.unit():
        member, created = Member.objects.get_or_create(
            user=user, defaults={"joined_at": clock.now()}
        )
        if created:
            audit.record("community.member.joined", "user", user.pk, actor=user)
    return member


def create_category(
    name: str,
    *,
    access: str = Access.PUBLIC,
    group: MemberGroup | None = None,
    description: str = "",
    default_kind: str = TopicKind.QUESTION,
    is_default: bool = False,
) -> Category:
    """A forum category; a ``group`` category needs its group, and ``is_default`` makes it
    the one questions land in when the asker names none (only one category is the default)."""
    name = required(name, "name")
    rules.choice(access, Access, "access")
    rules.choice(default_kind, TopicKind, "default_kind")
    if (access == Access.GROUP) != (group is not None):
        raise CommunityError("a group category needs a group, and only it", "group")
    slug = slugify(name)[:120] or "category"
    if Category.objects.filter(slug=slug).exists():
        raise CommunityError("there is already a category of that name", "name", "conflict")
    with audit.unit():
        if is_default:
            Category.objects.filter(is_default=True).update(is_default=False)
        category = Category.objects.create(
            name=name,
            slug=slug,
            description=description,
            access=access,
            group=group,
            default_kind=default_kind,
            is_default=is_default,
            position=Category.objects.count(),
        )
        audit.record(
            "community.category.created",
            "community_category",
            category.pk,
            data={"name": name, "access": access, "group": group.slug if group else ""},
        )
    return category


def create_group(name: str, members: Any = ()) -> MemberGroup:
    """A private group with its first ``members`` (users)."""
    name = required(name, "name")
    slug = slugify(name)[:120] or "group"
    if MemberGroup.objects.filter(slug=slug).exists():
        raise CommunityError("there is already a group of that name", "name", "conflict")
    with audit.unit():
        group = MemberGroup.objects.create(name=name, slug=slug)
        group.members.set(list(members))
        audit.record(
            "community.group.created",
            "community_group",
            group.pk,
            data={"name": name, "members": sorted(u.pk for u in members)},
        )
    return group


def add_to_group(group: MemberGroup, user: User, *, by: User | None = None) -> None:
    """Let ``user`` read the group's categories."""
    with audit.unit():
        group.members.add(user)
        audit.record(
            "community.group.joined", "community_group", group.pk, actor=by, data={"user": user.pk}
        )


def default_category() -> Category:
    """Where a question goes when its asker names no category."""
    category = Category.objects.filter(is_default=True).first()
    if category is None:
        raise CommunityError("there is no default category", "category", "not_found")
    return category


def watch(
    user: User,
    *,
    topic: Topic | None = None,
    category: Category | None = None,
    tag: Tag | None = None,
) -> Watch:
    """Follow a topic, a category or a tag (exactly one): new posts there become notices."""
    rules.check_can_act(user)
    if sum(x is not None for x in (topic, category, tag)) != 1:
        raise CommunityError("watch one topic, category or tag", "target")
    if category is not None and not access.can_read(user, category):
        raise CommunityError("no such category", "category", "not_found")
    if topic is not None:
        access.topic_for(user, topic.pk)
    with audit.unit():
        row = watch_quietly(user, topic=topic, category=category, tag=tag)
        audit.record("community.watch.started", "user", user.pk, actor=user, data=_target(row))
    return row


def unwatch(
    user: User,
    *,
    topic: Topic | None = None,
    category: Category | None = None,
    tag: Tag | None = None,
) -> bool:
    """Stop following; True if there was a watch to end."""
    rows = Watch.objects.filter(user=user, topic=topic, category=category, tag=tag)
    with audit.unit():
        deleted, _ = rows.delete()
        if deleted:
            data = {"topic": getattr(topic, "pk", None), "category": getattr(category, "pk", None)}
            data["tag"] = getattr(tag, "pk", None)
            audit.record("community.watch.ended", "user", user.pk, actor=user, data=data)
    return bool(deleted)


def set_notify(user: User, mode: str) -> Member:
    """How ``user`` hears of watched posts: immediately, a daily digest, or never."""
    rules.choice(mode, NotifyMode, "notify")
    member = member_for(user)
    with audit.unit():
        Member.objects.filter(pk=member.pk).update(notify=mode)
        member.notify = mode
        audit.record("community.notify.set", "user", user.pk, actor=user, data={"mode": mode})
    return member


def watch_quietly(user: User, **target: Any) -> Watch:
    target = {k: target.get(k) for k in ("topic", "category", "tag")}
    row = Watch.objects.filter(user=user, **target).first()
    return row or Watch.objects.create(user=user, created_at=clock.now(), **target)


def _target(row: Watch) -> dict[str, int | None]:
    return {"topic": row.topic_id, "category": row.category_id, "tag": row.tag_id}
