"""Who may read what in the community, as queries: access is enforced in SQL, never after.

A category is public (anyone), for customers (anyone signed in) or for a private group (its
members and staff). A post waiting for approval is shown to its author and staff; a removed one
to staff only. Staff are admins, agents and light agents.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from helpmesh.accounts.models import User
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Access, Category, MemberGroup, Post, Topic, Visibility
from helpmesh.knowledge.visibility import is_staff

__all__ = [
    "can_read",
    "group_slugs",
    "is_staff",
    "readable_categories",
    "topic_for",
    "visible_posts",
    "visible_topics",
]


def signed_in(user: Any) -> bool:
    """A real, active account (not AnonymousUser, not None, not a deactivated user)."""
    return isinstance(user, User) and user.is_active


def readable_categories(user: Any) -> QuerySet[Category]:
    """The categories ``user`` (a User, AnonymousUser or None) may read."""
    rows = Category.objects.all()
    if is_staff(user):
        return rows
    if not signed_in(user):
        return rows.filter(access=Access.PUBLIC)
    groups = MemberGroup.objects.filter(members=user)
    return rows.filter(
        Q(access__in=(Access.PUBLIC, Access.CUSTOMERS)) | Q(access=Access.GROUP, group__in=groups)
    )


def can_read(user: Any, category: Category) -> bool:
    """Whether ``user`` may read ``category`` and its topics."""
    if category.access == Access.PUBLIC or is_staff(user):
        return True
    if not signed_in(user):
        return False
    if category.access == Access.CUSTOMERS:
        return True
    group = category.group
    return group is not None and group.members.filter(pk=user.pk).exists()


def visible_topics(user: Any) -> QuerySet[Topic]:
    """Every topic ``user`` may open: in a readable category, and visible (or their own question
    still awaiting approval). Staff see every topic, held and removed ones included."""
    rows = Topic.objects.filter(category__in=readable_categories(user))
    if is_staff(user):
        return rows
    if signed_in(user):
        return rows.filter(
            Q(visibility=Visibility.VISIBLE) | Q(visibility=Visibility.PENDING, author=user)
        )
    return rows.filter(visibility=Visibility.VISIBLE)


def topic_for(user: Any, pk: int) -> Topic:
    """The topic ``pk`` if ``user`` may read it; otherwise "not found", so a private
    category's topics cannot be discovered by probing ids."""
    topic = visible_topics(user).select_related("category").filter(pk=pk).first()
    if topic is None:
        raise CommunityError("no such topic", "topic", "not_found")
    return topic


def visible_posts(user: Any, topic: Topic) -> QuerySet[Post]:
    """The posts of ``topic`` shown to ``user``: visible ones, their own pending ones, and for
    staff every post (removed included)."""
    rows = Post.objects.filter(topic=topic)
    if is_staff(user):
        return rows
    if signed_in(user):
        return rows.filter(
            Q(visibility=Visibility.VISIBLE) | Q(visibility=Visibility.PENDING, author=user)
        )
    return rows.filter(visibility=Visibility.VISIBLE)


def group_slugs(user: Any) -> list[str]:
    """The private groups ``user`` belongs to (``settings.HELPMESH_SEARCH_GROUPS``): search
    shows a group category's topics to these members only."""
    if not signed_in(user):
        return []
    return list(MemberGroup.objects.filter(members=user).values_list("slug", flat=True))
