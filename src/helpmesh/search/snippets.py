"""The line of a document shown under its title in results: the sentence that best matches."""

from __future__ import annotations

import re

from helpmesh.search.fulltext import terms

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def snippet(body: str, text: str, width: int = 200) -> str:
    """The sentence of ``body`` sharing most words with ``text`` (its start when none do)."""
    words = set(terms(text))
    best, best_count = "", 0
    for sentence in _SENTENCE.split(body[:20_000]):
        found = {w.lower() for w in re.findall(r"\w+", sentence)}
        count = len(words & found)
        if count > best_count:
            best, best_count = sentence.strip(), count
    chosen = best or body.strip()
    return chosen if len(chosen) <= width else chosen[: width - 1].rstrip() + "…"
