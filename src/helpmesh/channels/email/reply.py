"""Reply extraction: split a plain-text body into fragments and find what the sender newly wrote.

The fragment model follows GitHub's email_reply_parser (reading bottom-up, so an "On ... wrote:"
line is seen with the quoted block under it): a fragment is quoted (``>`` lines and their
header), a signature (a block after a blank line starting with ``--``, ``__``, ``-Name`` or a
"Sent from my ..." line), or plain; quoted and signature fragments below the last plain one are
hidden. On top of that, a *boundary* (an Outlook ``From:/Sent:`` header block, an
"-----Original Message-----" line, or an attribution line followed by unquoted history) hides
everything under it, in any of the languages listed in ``quotes.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpmesh.channels.email import quotes

_MAX_HEADER_LINE = 400  # longer lines are never quote headers (and keep the regexes linear)
_SIG_START = re.compile(r"^\s*(?:--|__)|^-\w")
_QUOTED_HEADER_LINE = re.compile(r"^(?:From|Sent|To|Subject):")


@dataclass
class Fragment:
    """A run of lines sharing one kind: quoted history, a signature, or the sender's text."""

    quoted: bool
    lines: list[str] = field(default_factory=list)  # bottom-up while scanning
    signature: bool = False
    hidden: bool = False
    content: str = ""

    def finish(self) -> None:
        self.content = "\n".join(reversed(self.lines))


@dataclass
class ParsedReply:
    """The fragments of a body, and the visible reply and signature they add up to."""

    fragments: list[Fragment]

    @property
    def reply(self) -> str:
        """What the sender newly wrote (visible fragments), without trailing blank lines."""
        return "\n".join(f.content for f in self.fragments if not f.hidden).rstrip().lstrip("\n")

    @property
    def signature(self) -> str:
        """The first hidden signature under the reply, if any."""
        seen_visible = False
        for fragment in self.fragments:
            if not fragment.hidden:
                seen_visible = True
            elif fragment.signature and (seen_visible or fragment is self.fragments[0]):
                return _without_delimiter(fragment.content)
        return ""


def _without_delimiter(signature: str) -> str:
    lines = signature.strip().split("\n")
    while lines and re.fullmatch(r"\s*(?:--|__+)\s*", lines[0]):
        lines = lines[1:]
    return "\n".join(lines).strip()


def read(text: str) -> ParsedReply:
    """Split ``text`` (a plain-text body) into fragments; the input is not modified."""
    lines = _prepare(text.replace("\r\n", "\n").replace("\r", "\n"))
    scanner = _Scanner()
    boundary = _boundary(lines)
    if boundary is not None:
        tail = Fragment(quoted=True, lines=list(reversed(lines[boundary:])))
        scanner.fragment = tail
        scanner.finish_fragment()
        lines = lines[:boundary]
    for line in reversed(lines):
        scanner.scan(line)
    scanner.finish_fragment()
    scanner.fragments.reverse()
    return ParsedReply(scanner.fragments)


def parse_reply(text: str) -> str:
    """Only what the sender newly wrote: quoted history and signature removed."""
    return read(text).reply


def is_quote_header(line: str) -> bool:
    """True for an attribution line such as "On Mon, Ann <a@x> wrote:" (any supported language)."""
    return len(line) <= _MAX_HEADER_LINE and bool(quotes.QUOTE_HEADER.match(line))


def _is_signature_start(line: str) -> bool:
    return bool(_SIG_START.match(line)) or (
        len(line) <= _MAX_HEADER_LINE and bool(quotes.MOBILE_SIGNATURE.match(line))
    )


class _Scanner:
    """Reads lines bottom-up, growing the current fragment or starting the next one."""

    def __init__(self) -> None:
        self.fragments: list[Fragment] = []
        self.fragment: Fragment | None = None
        self.found_visible = False

    def scan(self, line: str) -> None:
        if not _is_signature_start(line):
            line = line.rstrip()
        is_quoted = line.startswith(">")
        fragment = self.fragment
        if fragment is not None and line == "" and _is_signature_start(fragment.lines[-1]):
            fragment.signature = True
            self.finish_fragment()
        current = self.fragment
        if current is not None and (
            current.quoted == is_quoted or (current.quoted and (line == "" or _joins_quote(line)))
        ):
            current.lines.append(line)
        else:
            self.finish_fragment()
            self.fragment = Fragment(quoted=is_quoted, lines=[line])

    def finish_fragment(self) -> None:
        fragment = self.fragment
        if fragment is None:
            return
        fragment.finish()
        if not self.found_visible:
            if fragment.quoted or fragment.signature or not fragment.content.strip():
                fragment.hidden = True
            else:
                self.found_visible = True
        self.fragments.append(fragment)
        self.fragment = None


def _joins_quote(line: str) -> bool:
    """A line that belongs to the quoted block under it: its attribution or header lines."""
    return is_quote_header(line) or bool(_QUOTED_HEADER_LINE.match(line))


def _prepare(text: str) -> list[str]:
    lines = text.split("\n")
    lines = _join_wrapped_headers(lines)
    prepared: list[str] = []
    for index, line in enumerate(lines):
        prepared.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and following.startswith("_" * 8):
            prepared.append("")  # a reply typed right above an Outlook rule is its own block
    return prepared


def _join_wrapped_headers(lines: list[str]) -> list[str]:
    """Join an attribution line a client wrapped ("On ..., Ann <a@x>" / "wrote:")."""
    result: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        joined = _wrapped_header_at(lines, index) if quotes.QUOTE_HEADER_START.match(line) else 0
        if joined:
            result.append(" ".join(part.strip() for part in lines[index : index + joined]))
            index += joined
        else:
            result.append(line)
            index += 1
    return result


def _wrapped_header_at(lines: list[str], index: int) -> int:
    """How many lines from ``index`` form one wrapped attribution (0 when they do not)."""
    if is_quote_header(lines[index]):
        return 0
    parts = [lines[index].strip()]
    for offset in range(1, 4):
        if index + offset >= len(lines):
            return 0
        following = lines[index + offset].strip()
        if not following or following.startswith(">"):
            return 0
        parts.append(following)
        if is_quote_header(" ".join(parts)):
            return offset + 1
    return 0


def _boundary(lines: list[str]) -> int | None:
    """The first line under which everything is quoted history, even without ``>`` marks."""
    for index, line in enumerate(lines):
        if not line.strip() or line.startswith(">") or len(line) > _MAX_HEADER_LINE:
            continue
        if quotes.ORIGINAL_MESSAGE.match(line) or _header_block_at(lines, index):
            return _include_rule_above(lines, index)
        if is_quote_header(line) and not _quoted_below(lines, index):
            return _include_rule_above(lines, index)
    return None


def _header_block_at(lines: list[str], index: int) -> bool:
    if not quotes.HEADER_FROM.match(lines[index]):
        return False
    window = lines[index + 1 : index + 9]
    return sum(1 for line in window if quotes.HEADER_OTHER.match(line)) >= 2


def _quoted_below(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip():
            return line.startswith(">")
    return True  # nothing below: an attribution at the very end hides nothing


def _include_rule_above(lines: list[str], index: int) -> int:
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and quotes.SEPARATOR.match(lines[above]):
        return above
    return index
