"""Index changes held back until the end of a block, then written together.

A source (knowledge, community) keeps one ``Deferred`` with its own flush: inside
``batched()`` a changed object only notes its id, and the block's end re-indexes them all at
once (one embedding pass for a whole import or a seeded history instead of one per object).
Nested blocks join the outer one; a block that raises flushes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Deferred:
    """The ids changed inside the current thread's ``batched()`` block, for ``flush``."""

    def __init__(self, flush: Callable[[set[int]], None]) -> None:
        self._flush = flush
        self._local = threading.local()

    def defer(self, pk: int) -> bool:
        """Note ``pk`` for the end of the block; False outside a block (index it now)."""
        pending: set[int] | None = getattr(self._local, "pending", None)
        if pending is None:
            return False
        pending.add(pk)
        return True

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Hold changes back until the block ends, then flush them together."""
        if getattr(self._local, "pending", None) is not None:
            yield
            return
        self._local.pending = set()
        try:
            yield
            pending = self._local.pending
        finally:
            self._local.pending = None
        self._flush(pending)
