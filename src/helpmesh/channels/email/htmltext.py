"""HTML bodies as plain text, with blockquotes kept as ``>`` quoting so replies can be found."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "tr", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "hr", "section", "article", "header", "footer", "address", "dd", "dt", "dl",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "noscript", "template", "xml"}
# Class names mail clients put on the attribution line and the quote it introduces.
_SIGNATURE_CLASSES = ("gmail_signature", "moz-signature", "signature")
_SECTION_CLASSES = (*_SIGNATURE_CLASSES, "quote", "moz-cite-prefix", "gmail_attr", "divRplyFwdMsg")


_PARAGRAPH = {"p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.depth = 0  # blockquote nesting
        self.skipping = 0
        self.in_pre = 0

    @property
    def prefix(self) -> str:
        return "> " * self.depth

    def _break(self, *, blank: bool = False) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")
        if blank and len(self.lines) > 1 and self.lines[-2].strip(" >"):
            self.lines[-1] = self.prefix.rstrip()
            self.lines.append("")
        self.lines[-1] = self.prefix

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        if tag == "br":
            self.lines.append(self.prefix)
            return
        if tag == "hr":
            # Webmail (Outlook.com, Mail.ru, Yandex) separates the history with a bare rule:
            # write it as the underscore line Outlook's text part has, so reply.py finds it.
            self._break(blank=True)
            self.lines[-1] += "_" * 32
            self._break(blank=True)
            return
        if tag == "blockquote":
            self._break(blank=True)
            self.depth += 1
        if tag in _BLOCK or tag == "blockquote":
            classes = dict(attrs).get("class") or ""
            self._break(blank=tag in _PARAGRAPH or any(c in classes for c in _SECTION_CLASSES))
            if any(name in classes for name in _SIGNATURE_CLASSES):
                self.lines[-1] += "-- "
                self._break()
        if tag == "li":
            self.lines[-1] += "- "
        elif tag == "pre":
            self.in_pre += 1
        elif tag == "img" and dict(attrs).get("alt"):
            self.handle_data(f"[{dict(attrs)['alt']}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.depth = max(0, self.depth - 1)
            self._break(blank=True)
        elif tag in _BLOCK and tag != "br":
            if tag == "pre":
                self.in_pre = max(0, self.in_pre - 1)
            self._break(blank=tag in _PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.in_pre:
            parts = data.split("\n")
            self.lines[-1] += parts[0]
            self.lines.extend(self.prefix + part for part in parts[1:])
            return
        text = re.sub(r"\s+", " ", data)
        if not self.lines[-1].strip(" >"):
            text = text.lstrip()
        self.lines[-1] += text


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body: paragraphs kept, quotes as ``> `` lines, no markup."""
    builder = _TextBuilder()
    try:
        builder.feed(markup)
        builder.close()
    except Exception:
        return re.sub(r"<[^>]*>", " ", markup)
    lines = [line.rstrip().replace("\xa0", " ") for line in builder.lines]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")
