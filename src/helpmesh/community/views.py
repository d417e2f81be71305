"""Community pages: the forum: categories, topics, asking with similar questions."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
