"""Header values decoded: RFC 2047 encoded words, raw 8-bit bytes, addresses and message ids."""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
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
    """A header as text, reading undeclared 8-bit bytes as a mail client would (``charsets.guess``
    with the message's own charsets as hints)."""
    value = message.get(name)
    if value is None:
        return ""
    return header_str(value, lambda: _charset_hints(message))


def _charset_hints(message: Message) -> list[str]:
    """The charsets the message declares for its parts (a raw 8-bit header is usually in them)."""
    try:
        return [label for label in message.get_charsets() if label]
    except Exception:  # a broken MIME tree: guess without hints
        return []


def header_str(value: object, hints: Callable[[], list[str]] = list) -> str:
    """A header value (str or compat32 ``Header`` holding raw 8-bit bytes) as text."""
    if isinstance(value, Header):
        parts = []
        for chunk, label in decode_header(value):
            if not isinstance(chunk, bytes):
                parts.append(str(chunk))
            elif charsets.codec_for(label) or chunk.isascii():
                parts.append(charsets.decode(chunk, label)[0])
            else:
                parts.append(charsets.guess(chunk, hints()))
        return "".join(parts)
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = charsets.guess(text.encode("ascii", "surrogateescape"), hints())
    return text


# An RFC 2047 encoded word; clients also write them glued to text and with spaces inside.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)\?([bBqQ])\?(.*?)\?=", re.DOTALL)
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words as mail clients do; never raises.

    Adjacent words of one charset are decoded together (a character or a base64 quantum split
    across two words is joined again), the space between encoded words is dropped, a word in an
    unknown charset is guessed, and a word that cannot be decoded stays as written.
    """
    value = _unfold(value)
    if "=?" not in value:
        return value
    pieces: list[str] = []
    run: list[re.Match[str]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if run and not between.strip() and _same_charset(run[-1], match):
            run.append(match)
        else:
            decoded = _decode_run(run)
            pieces.append(decoded)
            # The space between two encoded words is dropped, unless the first was not one.
            if not (run and not between.strip() and decoded != _as_written(run)):
                pieces.append(between)
            run = [match]
        position = match.end()
    pieces.append(_decode_run(run))
    pieces.append(value[position:])
    return "".join(pieces)


def _same_charset(first: re.Match[str], second: re.Match[str]) -> bool:
    return first.group(1).lower() == second.group(1).lower()


def _decode_run(run: list[re.Match[str]]) -> str:
    """One run of adjacent encoded words in the same charset, as text (as written if broken)."""
    if not run:
        return ""
    try:
        return _decode_words_of_run(run)
    except (binascii.Error, ValueError):
        return _as_written(run)


def _as_written(run: list[re.Match[str]]) -> str:
    return " ".join(match.group(0) for match in run)


def _decode_words_of_run(run: list[re.Match[str]]) -> str:
    data = b""
    base64_text = ""
    for match in run:
        payload = match.group(3)
        if match.group(2).lower() == "b":
            base64_text += re.sub(r"[^A-Za-z0-9+/]", "", payload)
            continue
        data += _b64(base64_text)
        base64_text = ""
        raw = payload.replace("_", " ").encode("latin-1", "replace")
        data += _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    data += _b64(base64_text)
    if not data and any(match.group(3) for match in run):
        raise ValueError("no decodable text in the encoded words")
    label = run[0].group(1)
    if data and not charsets.codec_for(label) and not data.isascii():
        return charsets.guess(data)
    return charsets.decode(data, label)[0]


def _b64(text: str) -> bytes:
    if not text:
        return b""
    text = text[: len(text) - len(text) % 4] if len(text) % 4 == 1 else text
    return binascii.a2b_base64(text + "=" * (-len(text) % 4))


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", value).strip()


def text(message: Message, name: str) -> str:
    """A header fully decoded to text (subject, display names)."""
    return decode_words(raw_value(message, name))


def addresses(message: Message, name: str) -> list[Address]:
    """The addresses in an address header, names decoded; malformed entries are skipped."""
    values = message.get_all(name) or []
    result = []
    raw = [_unfold(header_str(v, lambda: _charset_hints(message))) for v in values]
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
