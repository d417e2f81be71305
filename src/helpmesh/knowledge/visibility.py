"""Who may read which article, as a query: visibility is enforced in SQL, never after."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from helpmesh.accounts.models import Role, User
from helpmesh.knowledge.models import Article, Status, Visibility


def is_staff(user: Any) -> bool:
    """Admins, agents and light agents: they see every article, drafts included."""
    return isinstance(user, User) and user.is_active and user.is_agent


def can_edit(user: Any) -> bool:
    """Agents and admins write articles; light agents (collaborators) only read them."""
    return is_staff(user) and user.role != Role.LIGHT_AGENT


def audiences(user: Any) -> tuple[str, ...]:
    """The visibilities ``user`` (a User, AnonymousUser or None) may read once published."""
    if is_staff(user):
        return tuple(Visibility.values)
    if isinstance(user, User) and user.is_active:
        return (Visibility.PUBLIC, Visibility.CUSTOMERS)
    return (Visibility.PUBLIC,)


def visible_articles(user: Any) -> QuerySet[Article]:
    """Every article ``user`` may open: staff all of them, others published ones for them."""
    rows = Article.objects.all()
    if is_staff(user):
        return rows
    return rows.filter(status=Status.PUBLISHED, visibility__in=audiences(user))
