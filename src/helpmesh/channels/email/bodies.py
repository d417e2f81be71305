"""Walk a MIME tree: the plain-text and HTML bodies, and every attachment (TNEF and nested
messages included, kept whole as attachments rather than opened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from helpmesh.channels.email import charsets, flowed, headers
from helpmesh.channels.email.htmltext import html_to_text

_MAX_DEPTH = 30  # a deeper tree is hostile, not mail


@dataclass
class MailAttachment:
    """One file in a message."""

    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.content),
            "inline": self.inline,
            "content_id": self.content_id or None,
        }


@dataclass
class Bodies:
    text: str = ""
    html: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def extract(message: Message) -> Bodies:
    """The text and HTML bodies and the attachments of ``message``."""
    found = Bodies()
    texts: list[str] = []
    htmls: list[str] = []
    _walk(message, found, texts, htmls, depth=0)
    found.text = "\n\n".join(t for t in texts if t.strip())
    found.html = "\n".join(htmls)
    return found


def text_of_html(markup: str) -> str:
    """Plain text for an HTML-only message."""
    return html_to_text(markup) if markup else ""


def _walk(part: Message, found: Bodies, texts: list[str], htmls: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        found.errors.append("MIME tree too deep; the rest is only in the raw message")
        return
    kind = part.get_content_type()
    if kind == "message/delivery-status":
        texts.append(_status_text(part))
        return
    if kind.startswith("message/"):
        found.attachments.append(_nested_message(part))
        return
    if part.is_multipart():
        children = part.get_payload()
        if kind == "multipart/alternative":
            children = _preferred_alternatives(children)
        for child in children if isinstance(children, list) else []:
            if isinstance(child, Message):
                _walk(child, found, texts, htmls, depth + 1)
        return
    if _is_attachment(part):
        found.attachments.append(_attachment(part))
    elif kind == "text/html":
        htmls.append(_text(part, found))
    elif kind.startswith("text/"):
        texts.append(_text(part, found))
    else:
        found.attachments.append(_attachment(part))


def _preferred_alternatives(children: Any) -> list[Message]:
    """From alternatives keep the last plain and the last HTML rendering (and any other part)."""
    if not isinstance(children, list):
        return []
    plain = [c for c in children if c.get_content_type() == "text/plain"]
    rich = [c for c in children if c.get_content_type() == "text/html"]
    others = [c for c in children if c.get_content_type() not in ("text/plain", "text/html")]
    nested = [c for c in others if c.is_multipart()]
    if nested and not plain and not rich:
        return nested[-1:]
    return plain[-1:] + rich[-1:] + [c for c in others if c.is_multipart()]


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    return bool(part.get_filename() or part.get_param("name")) and not _is_plain_inline(part)


def _is_plain_inline(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return part.get_content_type() in ("text/plain", "text/html") and disposition == "inline"


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _text(part: Message, found: Bodies) -> str:
    text, clean = charsets.decode(_payload(part), part.get_content_charset())
    if not clean:
        label = part.get_content_charset() or "none"
        found.errors.append(
            f"charset: guessed the encoding of a {part.get_content_type()} part (declared {label})"
        )
    if part.get_content_type() == "text/plain" and _param(part, "format") == "flowed":
        text = flowed.unflow(text, delsp=_param(part, "delsp") == "yes")
    return text


def _param(part: Message, name: str) -> str:
    value = part.get_param(name)
    return value.strip().lower() if isinstance(value, str) else ""


def _filename(part: Message, fallback: str) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # RFC 2231 value compat32 did not collapse
        name = charsets.decode(name[2].encode("latin-1", "replace"), name[0])[0]
    name = headers.decode_words(str(name)) if name else ""
    return name or fallback


def _attachment(part: Message) -> MailAttachment:
    kind = part.get_content_type()
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    content_id = (part.get("Content-ID") or "").strip().strip("<>")
    extension = {"application/ms-tnef": ".dat", "text/calendar": ".ics"}.get(kind, "")
    fallback = "winmail.dat" if kind == "application/ms-tnef" else f"attachment{extension}"
    return MailAttachment(
        filename=_filename(part, fallback),
        content_type=kind,
        content=_payload(part),
        inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
        content_id=content_id,
    )


def _nested_message(part: Message) -> MailAttachment:
    payload = part.get_payload()
    first = payload[0] if isinstance(payload, list) and payload else None
    inner = first if isinstance(first, Message) else None
    content, subject = _payload(part), ""
    if inner is not None:
        subject = " ".join(headers.text(inner, "Subject").split())
        try:
            content = inner.as_bytes()
        except Exception:
            content = str(inner).encode("utf-8", "surrogateescape")
    name = _filename(part, "") or f"{subject[:80] or 'message'}.eml"
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return MailAttachment(name, part.get_content_type(), content, inline=disposition == "inline")


def _status_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n".join(str(block).strip() for block in payload)
    return str(payload)
