"""The knowledge base in the Django admin.

An article saved here goes through ``knowledge.services`` (a version per edit, the lifecycle
events, the search index), not a bare ``save()``: the admin is one more face of the same writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from helpmesh.core.admin import AuditedAdmin
from helpmesh.knowledge import services
from helpmesh.knowledge.models import Article, ArticleFeedback, ArticleVersion, Category, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SectionInline]


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    fields = readonly_fields = ("number", "title", "author", "created_at")
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FeedbackInline(admin.TabularInline):
    model = ArticleFeedback
    extra = 0
    fields = readonly_fields = ("helpful", "comment", "user", "created_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    list_display = ["title", "status", "visibility", "language", "category", "updated_at"]
    list_filter = ["status", "visibility", "language", "category"]
    search_fields = ["title", "slug", "body"]
    raw_id_fields = ["translation_of", "author"]
    filter_horizontal = ["related"]
    fields = [
        "title",
        "slug",
        "body",
        ("category", "section"),
        ("status", "visibility", "language"),
        "translation_of",
        "related",
        ("version", "view_count", "helpful_yes", "helpful_no", "published_at"),
    ]
    readonly_fields = ["version", "view_count", "helpful_yes", "helpful_no", "published_at"]
    inlines = [VersionInline, FeedbackInline]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        user = request.user
        placement = services.Placement(obj.category, obj.section)
        if change:
            saved = Article.objects.get(pk=obj.pk)
            services.update_article(
                saved,
                actor=user,  # type: ignore[arg-type]
                title=obj.title,
                body=obj.body,
                visibility=obj.visibility,
                placement=placement,
                language=obj.language,
                slug=obj.slug,
            )
            services.set_status(saved, obj.status, actor=user)  # type: ignore[arg-type]
        else:
            saved = services.create_article(
                title=obj.title,
                body=obj.body,
                author=user,  # type: ignore[arg-type]
                visibility=obj.visibility,
                status=obj.status,
                placement=placement,
                language=obj.language,
                slug=obj.slug,
                translation_of=obj.translation_of,
            )
            obj.pk, obj._state.adding = saved.pk, False
        obj.refresh_from_db()
