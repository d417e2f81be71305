"""Where raw messages come from without IMAP: stdin (an MTA pipe), files, Maildirs, mboxes.

``read(source)`` yields ``(label, raw)``; ``origins(source)`` yields ``(Origin, raw)``, whose
``mark_seen()`` the importer calls once the message's batch has committed: a Maildir message
then moves from new/ to cur/ with the Seen flag, as a mail client would mark it read. Reading
takes every message (new and cur, seen or not); the Message-ID makes a second import a no-op.
"""

from __future__ import annotations

import logging
import mailbox as mailboxes
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Origin:
    """Where one message was read: a label for people, and for a Maildir its file."""

    label: str
    path: Path | None = None  # the Maildir file (new/ or cur/), when there is one

    def mark_seen(self) -> None:
        """Flag a Maildir message Seen (new/ -> cur/ with ``:2,S``); other sources: nothing."""
        path = self.path
        if path is None:
            return
        name, _, flags = path.name.partition(":2,")
        if path.parent.name == "cur" and "S" in flags:
            return
        target = path.parent.parent / "cur" / f"{name}:2,{''.join(sorted({*flags, 'S'}))}"
        try:
            os.rename(path, target)
        except OSError as exc:  # moved or deleted meanwhile: the import itself is committed
            log.warning("cannot flag %s as seen: %s", path, exc)


def read(source: str) -> Iterator[tuple[str, bytes]]:
    """Yield (label, raw bytes) for each message in ``source`` ("-" is stdin).

    A directory with cur/ and new/ is a Maildir; a file starting with "From " is an mbox;
    any other file is one message.
    """
    for origin, raw in origins(source):
        yield origin.label, raw


def origins(source: str) -> Iterator[tuple[Origin, bytes]]:
    """Like ``read``, with an ``Origin`` that can mark the message once it is imported."""
    if source == "-":
        yield Origin("stdin"), sys.stdin.buffer.read()
        return
    path = Path(source)
    if path.is_dir():
        yield from _maildir(path)
        return
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        for label, raw in _mbox(path):
            yield Origin(label), raw
    else:
        yield Origin(str(path)), path.read_bytes()


def _maildir(path: Path) -> Iterator[tuple[Origin, bytes]]:
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            yield Origin(str(child)), child.read_bytes()  # a plain folder of .eml files
        return
    files = []
    for sub in ("new", "cur"):
        folder = path / sub
        if folder.is_dir():
            files += [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    for file in sorted(files, key=lambda p: p.name.split(":", 1)[0]):
        key = file.name.split(":", 1)[0]
        try:
            raw = file.read_bytes()
        except FileNotFoundError:
            continue  # a mail client moved it between listing and reading
        yield Origin(f"{path}:{key}", file), raw


def _mbox(path: Path) -> Iterator[tuple[str, bytes]]:
    box = mailboxes.mbox(str(path), factory=None, create=False)
    for index, key in enumerate(box.keys()):
        yield f"{path}#{index + 1}", box.get_bytes(key)
