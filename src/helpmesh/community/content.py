"""What a post's Markdown contains and how it is shown: links, images, mentions, safe HTML.

Rendering reuses the help center's Markdown (markdown-it-py, raw HTML off, then nh3), so a
``<script>``, an ``onerror=`` or a ``javascript:`` link in a post never reaches a reader.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace
from django.utils.text import slugify

from helpmesh.accounts.models import User
from helpmesh.knowledge import markup

IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b", re.IGNORECASE)
LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|<[a-z][a-z0-9+.-]*:[^>\s]*>|\b(?:https?://|www\.)\S", re.I)
# "@anna" or "@anna.smith" (an email's local part); not the middle of an email address.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][\w.+-]{0,63})")

# Posts are read far more often than written: a busy topic page renders the same bodies again
# and again, so each process keeps the HTML of the bodies it rendered last (keyed by the text
# itself, so an edit is simply a new key).
RENDERED_BODIES = 4096


@lru_cache(maxsize=RENDERED_BODIES)
def render(body: str) -> str:
    """A post's Markdown as sanitized HTML."""
    return markup.render(body)


@lru_cache(maxsize=RENDERED_BODIES)
def plain_text(body: str) -> str:
    """A post's words without markup (search documents, QAPage data)."""
    return markup.plain_text(body)


excerpt = markup.excerpt


def has_image(body: str) -> bool:
    """Whether ``body`` embeds an image (Markdown ``![..](..)`` or an ``<img>`` tag)."""
    return bool(IMAGE.search(body or ""))


def has_link(body: str) -> bool:
    """Whether ``body`` links anywhere (images aside): ``[..](..)``, ``<scheme:..>`` or a bare
    ``http(s)://`` / ``www.`` address."""
    return bool(LINK.search(IMAGE.sub(" ", body or "")))


def mentioned_users(body: str, *, exclude: int | None = None) -> list[User]:
    """The active users ``@named`` in ``body``, by name without spaces or by the local part of
    their email address (case-insensitive)."""
    names = {m.rstrip(".").lower() for m in MENTION.findall(body or "")}
    names.discard("")
    if not names:
        return []
    by_email = Q()
    for name in names:
        by_email |= Q(email__istartswith=f"{name}@")
    handle = Lower(Replace("name", Value(" "), Value("")))
    rows = User.objects.filter(is_active=True).annotate(handle=handle)
    rows = rows.filter(by_email | Q(handle__in=names)).exclude(pk=exclude or 0).order_by("pk")
    return list(rows)


def tag_name(raw: str) -> str:
    """A tag as stored: a lowercase slug ("Mobile App" -> "mobile-app")."""
    return slugify(raw or "")[:50]


def diff(before_title: str, before: str, after_title: str, after: str, a: int, b: int) -> str:
    """A unified diff between two revisions (the title line first when there is one)."""
    old = ([f"# {before_title}", ""] if before_title else []) + before.splitlines()
    new = ([f"# {after_title}", ""] if after_title else []) + after.splitlines()
    lines = difflib.unified_diff(old, new, fromfile=f"r{a}", tofile=f"r{b}", lineterm="")
    return "\n".join(lines)
