"""Article bodies are Markdown: rendered by markdown-it-py, then sanitized like every other HTML.

Raw HTML in the Markdown is not passed through (``html: False``), and the result still goes
through nh3 with the conversations' allow-list, so a pasted ``<script>``, an ``onerror=`` or a
``javascript:`` link never reaches a reader. Articles are written by staff and their images are
part of the answer, so unlike customer mail an article's ``<img src>`` stays (http/https only).
"""

from __future__ import annotations

import html
import re
from functools import cache

import nh3
from markdown_it import MarkdownIt

from helpmesh.conversations.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_TAGS = ALLOWED_TAGS | {"h5", "h6"}
_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title", "width", "height"}}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(markdown: str) -> str:
    """Markdown as safe HTML."""
    if not markdown:
        return ""
    return nh3.clean(
        _parser().render(markdown),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(markdown: str) -> str:
    """The words of a Markdown body, without markup (what the search index holds)."""
    markup = _parser().render(markdown or "")
    text = html.unescape(nh3.clean(markup, tags=set(), strip_comments=True))
    return re.sub(r"\s+", " ", text).strip()


def excerpt(markdown: str, length: int = 160) -> str:
    """The first ``length`` characters of the plain text, cut at a word."""
    text = plain_text(markdown)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"
