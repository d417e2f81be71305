"""Where raw messages come from without IMAP: stdin (an MTA pipe), files, Maildirs, mboxes."""

from __future__ import annotations

import mailbox as mailboxes
import sys
from collections.abc import Iterator
from pathlib import Path


def read(source: str) -> Iterator[tuple[str, bytes]]:
    """Yield (label, raw bytes) for each message in ``source`` ("-" is stdin).

    A directory with cur/ and new/ is a Maildir; a file starting with "From " is an mbox;
    any other file is one message.
    """
    if source == "-":
        yield "stdin", sys.stdin.buffer.read()
        return
    path = Path(source)
    if path.is_dir():
        yield from _maildir(path)
        return
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        yield from _mbox(path)
    else:
        yield str(path), path.read_bytes()


def _maildir(path: Path) -> Iterator[tuple[str, bytes]]:
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            yield str(child), child.read_bytes()  # a plain folder of .eml files
        return
    box = mailboxes.Maildir(str(path), factory=None, create=False)
    for key in sorted(box.keys()):
        with box.get_file(key) as handle:
            yield f"{path}:{key}", handle.read()


def _mbox(path: Path) -> Iterator[tuple[str, bytes]]:
    box = mailboxes.mbox(str(path), factory=None, create=False)
    for index, key in enumerate(box.keys()):
        yield f"{path}#{index + 1}", box.get_bytes(key)
