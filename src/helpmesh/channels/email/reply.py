# ruff: noqa: RUF001, RUF002 - full-width punctuation and Cyrillic sign-offs are what mail contains
"""Reply extraction: split a plain-text body into fragments and find what the sender newly wrote.

The fragment model follows GitHub's email_reply_parser (reading bottom-up, so an "On ... wrote:"
line is seen with the quoted block under it): a fragment is quoted (``>`` lines and their
attribution), a signature (a block after a blank line starting with ``--``, ``__``, ``-Name`` or
a "Sent from my ..." line), or plain; quoted and signature fragments below the last plain one are
hidden. On top of that:

- a *boundary* hides everything under it, quoted or not: an Outlook header block
  (``From:/Sent:`` in any language of ``quote_phrases``), an "-----Original Message-----" line,
  an attribution followed by unquoted history, or a horizontal rule with history under it;
- the reply is the unquoted text wherever it is, so bottom-posted and interleaved answers
  (Thunderbird's default) come out without the lines they answer;
- a closing block without ``--`` (a sign-off such as "Best regards," or "С уважением", the
  sender's name, a block of name/title/company/phone/URL lines) becomes the signature.

Attribution lines are found by their phrases (``quote_phrases``) and, for clients that write no
verb (Gmail in Russian, Yandex, Mail.ru), by their shape: a line ending in a colon that carries an
address, or a date and a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpmesh.channels.email import quotes

_MAX_HEADER_LINE = 400  # longer lines are never quote headers (and keep the regexes linear)
_SIG_START = re.compile(r"^\s*(?:--|__)|^-\w")
_QUOTED_HEADER_LINE = re.compile(r"^(?:From|Sent|To|Subject):")
_MAX_CLOSING_LINES = 8  # a signature block longer than this is text, not a signature
_MAX_CLOSING_WIDTH = 80
_MAX_FOOTER_WIDTH = 160
_SIG_DELIMITER = "-- "  # the standard delimiter, trailing space included
_MAX_DELIMITED_LINES = 15
_RULE_HISTORY_LINES = 4  # under a bare rule, this many lines are history (fewer: a list footer)


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

    @property
    def is_reply(self) -> bool:
        return not (self.hidden or self.quoted)


@dataclass
class ParsedReply:
    """The fragments of a body, and the reply, signature and quoted history they add up to."""

    fragments: list[Fragment]

    @property
    def reply(self) -> str:
        """What the sender newly wrote (unquoted visible fragments), without outer blank lines."""
        return "\n".join(f.content for f in self.fragments if f.is_reply).rstrip().lstrip("\n")

    @property
    def signature(self) -> str:
        """The signature under the reply (its ``--`` delimiter dropped), "" when there is none."""
        return _without_delimiter("\n".join(f.content for f in self._signature_fragments()))

    @property
    def quote(self) -> str:
        """Everything that is neither reply nor signature: quoted history, hidden leftovers."""
        signature = {id(f) for f in self._signature_fragments()}
        rest = (f.content for f in self.fragments if not f.is_reply and id(f) not in signature)
        return "\n".join(rest).strip("\n")

    def _signature_fragments(self) -> list[Fragment]:
        """The signature fragments right under the last reply fragment (or leading the body)."""
        last = max((i for i, f in enumerate(self.fragments) if f.is_reply), default=-1)
        found: list[Fragment] = []
        for fragment in self.fragments[last + 1 :]:
            if fragment.signature:
                found.append(fragment)
            elif fragment.quoted or fragment.content.strip():
                break
        return found


def _without_delimiter(signature: str) -> str:
    lines = signature.strip().split("\n")
    while lines and re.fullmatch(r"\s*(?:--|__+)?\s*", lines[0]):  # nested HTML signatures
        lines = lines[1:]
    return "\n".join(lines).strip()


def read(text: str, sender_name: str = "", sender_address: str = "") -> ParsedReply:
    """Split ``text`` (a plain-text body) into fragments; the input is not modified.

    ``sender_name``/``sender_address`` (the From header) let a closing block that carries the
    sender's name be recognized as the signature.
    """
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
    fragments = _split_closing(scanner.fragments, _name_tokens(sender_name, sender_address))
    return ParsedReply(fragments)


def parse_reply(text: str) -> str:
    """Only what the sender newly wrote: quoted history and signature removed."""
    return read(text).reply


def is_quote_header(line: str) -> bool:
    """True for an attribution line such as "On Mon, Ann <a@x> wrote:" (any supported language)."""
    return len(line) <= _MAX_HEADER_LINE and bool(quotes.QUOTE_HEADER.match(line))


def is_attribution(line: str, *, quoted_below: bool) -> bool:
    """True for a line that introduces quoted history: "<date>, <name> <address> wrote:".

    Above ``>`` lines a phrase alone is enough; above unquoted text (where a wrong guess would
    hide what the sender wrote) the line must also carry an address, a time or a year.
    """
    if len(line) > _MAX_HEADER_LINE or not line.rstrip().endswith((":", "：")):
        return False
    if is_quote_header(line) and (quoted_below or not _is_plain_sentence(line)):
        return True
    has_address = bool(quotes.EMAIL.search(line))
    dated = bool(quotes.TIME.search(line)) and bool(quotes.YEAR.search(line))
    if quotes.ATTRIBUTION.search(line):
        return quoted_below or has_address or dated
    return has_address and (dated or quoted_below or bool(quotes.TIME.search(line)))


def _is_plain_sentence(line: str) -> bool:
    """An "On ... wrote:" line without a date, time or address: someone's own words."""
    return not (quotes.EMAIL.search(line) or quotes.TIME.search(line) or quotes.YEAR.search(line))


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
    return is_attribution(line, quoted_below=True) or bool(_QUOTED_HEADER_LINE.match(line))


def _prepare(text: str) -> list[str]:
    lines = text.split("\n")
    lines = _join_wrapped_headers(lines)
    prepared: list[str] = []
    for index, line in enumerate(lines):
        if prepared and _continues_attribution(prepared[-1], line):
            prepared[-1] = f"{prepared[-1].rstrip()} {line.strip()}"
            continue
        prepared.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and following.startswith("_" * 8):
            prepared.append("")  # a reply typed right above an Outlook rule is its own block
    return prepared


def _continues_attribution(above: str, line: str) -> bool:
    """``line`` ends an attribution that a client wrapped after the date ("On <date>, Ann" /
    "<ann@x> wrote:"), in any language: the line above has the date, this one the rest."""
    if not above.strip() or above.startswith(">") or not line.rstrip().endswith((":", "：")):
        return False
    if quotes.TIME.search(line) or quotes.YEAR.search(line) or len(above) > _MAX_HEADER_LINE:
        return False
    if not (quotes.TIME.search(above) or quotes.YEAR.search(above)):
        return False
    return is_attribution(f"{above.rstrip()} {line.strip()}", quoted_below=False)


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
    text_above = False  # has the sender written anything (unquoted) above this line?
    for index, line in enumerate(lines):
        if not line.strip() or line.startswith(">") or len(line) > _MAX_HEADER_LINE:
            text_above = text_above or (bool(line.strip()) and not line.startswith(">"))
            continue
        if quotes.ORIGINAL_MESSAGE.match(line) or _framed_attribution(line):
            return _include_rule_above(lines, index)
        if _header_block_at(lines, index):
            return _include_rule_above(lines, _header_lines_above(lines, index))
        if quotes.RULE.match(line) and text_above and _history_under_rule(lines, index):
            return index
        text_above = True
        if is_attribution(line, quoted_below=False) and not _quoted_below(lines, index):
            return _include_rule_above(lines, index)
    return None


def _header_block_at(lines: list[str], index: int) -> bool:
    if not quotes.HEADER_FROM.match(lines[index]):
        return False
    window = lines[index + 1 : index + 9]
    return sum(1 for line in window if quotes.HEADER_OTHER.match(line)) >= 2


def _header_lines_above(lines: list[str], index: int) -> int:
    """The first line of a header block whose "From" is not its first line (GMX and WEB.DE
    write "Gesendet:" above "Von:")."""
    while index > 0 and quotes.HEADER_OTHER.match(lines[index - 1]):
        index -= 1
    return index


def _framed_attribution(line: str) -> bool:
    match = quotes.FRAMED_ATTRIBUTION.match(line)
    if not match:
        return False
    inner = match.group(1)
    return bool(quotes.EMAIL.search(inner) or quotes.TIME.search(inner))


def _history_under_rule(lines: list[str], index: int) -> bool:
    """A bare rule (under the sender's text) with a message, not a list footer, below it."""
    below = [line for line in lines[index + 1 : index + 40] if line.strip()]
    return len(below) >= _RULE_HISTORY_LINES


def _quoted_below(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip():
            return line.startswith(">")
    return True  # nothing below: an attribution at the very end hides nothing


def _include_rule_above(lines: list[str], index: int) -> int:
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and (
        quotes.SEPARATOR.match(lines[above])
        or quotes.FORWARD_MARKER.match(lines[above])
        or (quotes.FRAMED_TITLE.match(lines[above]) and _is_header_line(lines[index]))
    ):
        return above
    return index


# --- signatures without "--" -------------------------------------------------------------------


def _name_tokens(name: str, address: str) -> set[str]:
    """The words of the sender's name (and of the address's local part) that a signature shows."""
    words = re.split(r"[\s,.\"'()<>_-]+", f"{name} {address.partition('@')[0]}".lower())
    return {word for word in words if len(word) >= 2 and not word.isdigit()}


def _split_closing(fragments: list[Fragment], names: set[str]) -> list[Fragment]:
    """Move a closing block at the end of the last reply fragment into a signature fragment."""
    last = max((i for i, f in enumerate(fragments) if f.is_reply), default=-1)
    if last < 0 or any(f.signature for f in fragments[last + 1 : last + 2]):
        return fragments  # a delimited signature right under the reply already ends it
    lines = fragments[last].content.split("\n")
    start = _closing_start(lines, names)
    if start is None:
        return fragments
    body, closing = fragments[last], Fragment(quoted=False, signature=True, hidden=True)
    body.content, closing.content = "\n".join(lines[:start]), "\n".join(lines[start:])
    body.lines, closing.lines = lines[:start][::-1], lines[start:][::-1]
    return [*fragments[: last + 1], closing, *fragments[last + 1 :]]


def _closing_start(lines: list[str], names: set[str]) -> int | None:
    """Where the closing block of a reply starts (its sign-off or name line), if it has one.

    Only the last few non-blank lines are candidates (HTML paragraphs put blank lines between
    the lines of a signature, so blank lines do not count), and never the reply's first line.
    """
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    texts = [i for i in range(end) if lines[i].strip()]
    delimiter = next((i for i in texts[1:] if lines[i] == _SIG_DELIMITER), None)
    if delimiter is not None and len(texts) - texts.index(delimiter) <= _MAX_DELIMITED_LINES:
        return delimiter  # "-- " (RFC 3676) even without a blank line above it
    for start in texts[max(1, len(texts) - _MAX_CLOSING_LINES) :]:
        block = lines[start:end]
        line = lines[start]
        after_blank = not lines[start - 1].strip()
        # After a sign-off, a company footer may run wider (addresses, registration lines).
        signs_off = quotes.SIGN_OFF.match(line) and (len(block) > 1 or after_blank)
        if signs_off and _closing_shaped(block[1:], width=_MAX_FOOTER_WIDTH):
            return start
        if not _closing_shaped(block[1:]):
            continue
        if _sign_off_with_name(line, names) or quotes.MOBILE_SIGNATURE.match(line):
            return start
        if after_blank and _closing_shaped(block) and _opens_signature(block, names):
            return start
        if after_blank and start == texts[-1] and _lone_name(line):
            return start
    return None


def _lone_name(line: str) -> bool:
    """A last paragraph that is only a name ("Anna", "Anna Clarke", "王伟"), whoever's it is."""
    words = line.strip().lstrip("-–— ").split()
    if len(words) == 1 and 2 <= len(words[0]) <= 4 and _is_cjk(words[0]):
        return True
    if any(word.lower().strip(".,!") in _NOT_NAMES for word in words):
        return False
    return 0 < len(words) <= 3 and len(line) <= 40 and all(_name_word(word) for word in words)


# Title-case words that end replies without being anyone's name.
_NOT_NAMES = {
    "please", "help", "yes", "no", "ok", "okay", "done", "urgent", "hello", "hi", "sorry",
    "attached", "attachment", "asap", "bitte", "danke", "ja", "nein", "merci", "oui", "non",
    "gracias", "sí", "да", "нет", "спасибо",
}  # fmt: skip


def _name_word(word: str) -> bool:
    if re.fullmatch(r"[^\W\d_]\.", word):  # an initial: "J."
        return True
    letters = word.replace("-", "").replace("'", "")
    return letters.isalpha() and word[:1].isupper() and word[1:].islower() and len(word) >= 2


def _is_cjk(word: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7a3" for char in word)


def _closing_shaped(block: list[str], width: int = _MAX_CLOSING_WIDTH) -> bool:
    """Short lines that read like name, title, company, phone, address, not sentences."""
    return all(len(line) <= width and not line.rstrip().endswith(("?", "？")) for line in block)


def _sign_off_with_name(line: str, names: set[str]) -> bool:
    match = quotes.SIGN_OFF_WITH_NAME.match(line)
    if not match:
        return False
    words = match.group(1).lower().split()
    return bool(names) and all(word.strip(".") in names for word in words)


def _opens_signature(block: list[str], names: set[str]) -> bool:
    """A block (after a blank line) that starts with the sender's name or carries contact lines."""
    first = block[0].strip().lstrip("-–— ").strip()
    if not _name_shaped(first):
        return False
    if names and _shows_name(first.lower(), names):
        return True  # "Anna", "Anna Clarke", "Clarke, Anna", "山田花子"
    contacts = sum(
        1
        for line in block[1:]
        if quotes.PHONE.search(line) or quotes.URL.search(line) or quotes.EMAIL.search(line)
    )
    return contacts >= 1 and len(block) >= 2


def _shows_name(line: str, names: set[str]) -> bool:
    """The line names the sender: one of its words is a name word, or (scripts written without
    spaces, such as Japanese or Chinese) it contains one."""
    words = {word.strip(".,") for word in line.split()}
    if words & names:
        return True
    return len(line) <= 12 and not line.isascii() and any(name in line for name in names)


def _name_shaped(line: str) -> bool:
    """1-4 capitalized words without sentence punctuation: how a name stands in a signature."""
    words = line.split()
    return (
        0 < len(words) <= 4
        and all(word[:1].isupper() for word in words if word[:1].isalpha())
        and not line.endswith((".", "!", "?", ":", ";", ","))
    )


def _is_header_line(line: str) -> bool:
    return bool(quotes.HEADER_FROM.match(line) or quotes.HEADER_OTHER.match(line))
