"""Make customer-supplied HTML safe to render in the agent inbox and the portal."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"alt", "title", "width", "height", "data-src"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def clean_html(markup: str) -> str:
    """Strip scripts, event handlers, javascript: URLs and remote image loads."""
    if not markup:
        return ""
    held = _move_img_src_aside(markup)
    return nh3.clean(
        held,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_safe_data_url,
    )


# Browsers drop these from a URL before reading its scheme: "java\tscript:" is "javascript:".
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


def _safe_data_url(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks url_schemes on href and src only; a data-* URL (the held-back image) is
    # loaded by our own script later, so it keeps http(s) and relative URLs and nothing else.
    if not attribute.startswith("data-"):
        return value
    scheme = urlsplit(_IGNORED_IN_URLS.sub("", value)).scheme.lower()
    return value if scheme in ("", "http", "https") else None


def _move_img_src_aside(markup: str) -> str:
    # Remote images track the reader; nh3 cannot rename attributes, so before cleaning, src=
    # becomes data-src= and the image loads only when someone consents.
    return re.sub(r"(<img\b[^>]*?)\bsrc\s*=", r"\1data-src=", markup, flags=re.IGNORECASE)


def text_to_html(text: str) -> str:
    """Plain text as safe HTML paragraphs (for messages typed in a text box)."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
