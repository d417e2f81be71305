"""Categories and sections of the help center (part of ``knowledge.services``, which re-exports
these: the only writer of knowledge's models)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q
from django.utils.text import slugify

from helpmesh.core import audit
from helpmesh.knowledge.errors import KnowledgeError, required
from helpmesh.knowledge.models import Article, Category, Section

T = TypeVar("T", Category, Section)


def create_category(
    name: str, *, slug: str = "", description: str = "", position: int = 0, actor: Any = None
) -> Category:
    """Create a help-center category; ``slug`` defaults to the slugified name."""
    name = required(name, "name")
    slug = slugify(slug or name)
    if Category.objects.filter(Q(slug=slug) | Q(name__iexact=name)).exists():
        raise KnowledgeError(f"a category named {name!r} exists", "name", "duplicate")
    with audit.unit():
        category = Category.objects.create(
            name=name, slug=slug, description=description, position=position
        )
        audit.record(
            "kb.category.created", "kb_category", category.pk, actor=actor, data={"name": name}
        )
    return category


def update_category(category: Category, *, actor: Any = None, **changes: Any) -> Category:
    """Change a category's name, slug, description or position."""
    allowed = {"name", "slug", "description", "position"}
    return _update(category, changes, allowed, "kb.category.updated", "kb_category", actor)


def delete_category(category: Category, *, actor: Any = None) -> None:
    """Delete a category and its sections; its articles stay, uncategorized."""
    with audit.unit():
        audit.record(
            "kb.category.deleted",
            "kb_category",
            category.pk,
            actor=actor,
            data={"name": category.name},
        )
        Article.objects.filter(category=category).update(category=None, section=None)
        category.delete()


def create_section(
    category: Category, name: str, *, slug: str = "", position: int = 0, actor: Any = None
) -> Section:
    """Create a section inside ``category``."""
    name = required(name, "name")
    slug = slugify(slug or name)
    if category.sections.filter(slug=slug).exists():
        raise KnowledgeError(f"{category.name} already has a section {name!r}", "name", "duplicate")
    with audit.unit():
        section = Section.objects.create(category=category, name=name, slug=slug, position=position)
        audit.record(
            "kb.section.created",
            "kb_section",
            section.pk,
            actor=actor,
            data={"name": name, "category": category.slug},
        )
    return section


def update_section(section: Section, *, actor: Any = None, **changes: Any) -> Section:
    """Change a section's name, slug or position."""
    return _update(
        section, changes, {"name", "slug", "position"}, "kb.section.updated", "kb_section", actor
    )


def delete_section(section: Section, *, actor: Any = None) -> None:
    """Delete a section; its articles stay in the category."""
    with audit.unit():
        audit.record(
            "kb.section.deleted", "kb_section", section.pk, actor=actor, data={"name": section.name}
        )
        section.delete()


def find_category(ref: str) -> Category | None:
    """The category whose slug or name is ``ref`` (case-insensitive), if any."""
    ref = (ref or "").strip()
    if not ref:
        return None
    return Category.objects.filter(Q(slug__iexact=ref) | Q(name__iexact=ref)).first()


def _update(
    row: T, changes: dict[str, Any], allowed: set[str], event: str, subject: str, actor: Any
) -> T:
    """Apply ``changes`` (slugs slugified) and audit which keys changed."""
    _only(changes, allowed)
    with audit.unit():
        for key, value in changes.items():
            setattr(row, key, slugify(value) if key == "slug" else value)
        row.save(update_fields=list(changes))
        audit.record(event, subject, row.pk, actor=actor, data={"changed": sorted(changes)})
    return row


def _only(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise KnowledgeError(f"cannot change {', '.join(sorted(unknown))}", sorted(unknown)[0])
