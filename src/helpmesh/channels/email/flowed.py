"""RFC 3676 ``format=flowed`` text as the reader sees it: soft line breaks joined.

Apple Mail and Thunderbird send plain text flowed: a line ending in a space continues on the next
line (of the same quote depth). Unflowed, a long attribution line ("On ..., Ann <a@x> wrote:")
is one line again and a paragraph is the text the sender typed, so reply extraction returns what
the mail client showed rather than the wire's 78-column wrapping.
"""

from __future__ import annotations

_SIGNATURE_SEPARATOR = "-- "


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join the soft-broken lines of a ``format=flowed`` body (``delsp``: DelSp=yes)."""
    output: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0
    for raw in text.replace("\r\n", "\n").split("\n"):
        depth = len(raw) - len(raw.lstrip(">"))
        line = raw[depth:]
        if line.startswith(" "):
            line = line[1:]  # space-stuffing (or the space after ">")
        if paragraph and depth != paragraph_depth:
            output.append(_quoted(paragraph_depth, "".join(paragraph)))
            paragraph = []
        flowed = line.endswith(" ") and line != _SIGNATURE_SEPARATOR
        if flowed:
            paragraph.append(line[:-1] if delsp else line)
            paragraph_depth = depth
            continue
        paragraph.append(line)
        output.append(_quoted(depth, "".join(paragraph)))
        paragraph = []
    if paragraph:
        output.append(_quoted(paragraph_depth, "".join(paragraph)))
    return "\n".join(output)


def _quoted(depth: int, line: str) -> str:
    if not depth:
        return line
    return ">" * depth + (" " + line if line else "")
