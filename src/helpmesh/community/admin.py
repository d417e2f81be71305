"""The forum in the Django admin: categories and private groups are configuration, edited here;
topics and posts are shown read-only (they change through the forum and moderation, whose
services keep counters, the search index and reputation in step)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from helpmesh.community.models import Category, MemberGroup, Post, Tag, Topic
from helpmesh.core.admin import AuditedAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "slug", "access", "group", "is_default", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MemberGroup)
class MemberGroupAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(ReadOnly):
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(ReadOnly):
    list_display = ["title", "category", "status", "visibility", "reply_count", "created_at"]
    list_filter = ["status", "visibility", "category"]
    search_fields = ["title"]
    list_select_related = ["category"]


@admin.register(Post)
class PostAdmin(ReadOnly):
    list_display = ["pk", "topic", "author", "is_question", "is_official", "visibility", "score"]
    list_filter = ["visibility", "is_official"]
    list_select_related = ["topic", "author"]
