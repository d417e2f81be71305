"""Header values decoded: RFC 2047 encoded words, raw 8-bit bytes, addresses and message ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from helpmesh.channels.email import charsets

_MSGID = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class Address:
    """One mailbox: a display name and an address (lower-cased domain, as given local part)."""

    name: str
    address: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address}


def raw_value(message: Message, name: str) -> str:
    """A header as text, repairing undeclared 8-bit bytes (UTF-8, else windows-1252)."""
    value = message.get(name)
    if value is None:
        return ""
    return header_str(value)


def header_str(value: object) -> str:
    """A header value (str or compat32 ``Header`` holding raw 8-bit bytes) as text."""
    if isinstance(value, Header):
        parts = []
        for chunk, label in decode_header(value):
            is_bytes = isinstance(chunk, bytes)
            parts.append(charsets.decode(chunk, label)[0] if is_bytes else str(chunk))
        return "".join(parts)
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = charsets.decode(text.encode("ascii", "surrogateescape"))[0]
    return text


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words (``=?utf-8?b?...?=``), tolerating broken ones."""
    if "=?" not in value:
        return _unfold(value)
    try:
        parts = decode_header(_unfold(value))
    except Exception:
        return _unfold(value)
    decoded = []
    for chunk, label in parts:
        if isinstance(chunk, bytes):
            decoded.append(charsets.decode(chunk, label)[0])
        else:
            decoded.append(chunk)
    return "".join(decoded)


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", value).strip()


def text(message: Message, name: str) -> str:
    """A header fully decoded to text (subject, display names)."""
    return decode_words(raw_value(message, name))


def addresses(message: Message, name: str) -> list[Address]:
    """The addresses in an address header, names decoded; malformed entries are skipped."""
    values = message.get_all(name) or []
    result = []
    raw = [_unfold(header_str(v)) for v in values]
    for display, address in getaddresses(raw):
        address = address.strip().strip("<>")
        if "@" not in address:
            continue
        local, _, domain = address.rpartition("@")
        result.append(Address(decode_words(display).strip('" '), f"{local}@{domain.lower()}"))
    return result


def message_ids(value: str) -> list[str]:
    """Every ``<id>`` in a header (References, In-Reply-To), in order, without duplicates."""
    seen: list[str] = []
    for match in _MSGID.findall(value or ""):
        ident = f"<{match}>"
        if ident not in seen:
            seen.append(ident)
    if not seen and value.strip() and " " not in value.strip():
        seen.append(f"<{value.strip().strip('<>')}>")  # a bare id without brackets
    return seen


def date(message: Message) -> datetime | None:
    """The Date header in UTC (a date without a zone is taken as UTC); None when unreadable."""
    value = raw_value(message, "Date")
    if not value:
        return None
    parsed = parsedate_to_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
