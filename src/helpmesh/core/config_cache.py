"""A short-lived, process-local cache for configuration read on every ticket.

The support model, SLA policies, triggers, webhooks and custom field definitions are read on every
new ticket but change a few times a day. Caching them for a few seconds
(``HELPMESH_CONFIG_CACHE_SECONDS``, default 5; 0 in tests) removes a query each per ticket. Writers
in this process call ``forget`` so their own change shows at once; other processes see it within
the TTL, which is the trade-off (docs/benchmarks.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[str, tuple[float, Any]] = {}


def cached(key: str, load: Callable[[], T]) -> T:
    """The value under ``key``, loaded again when older than the TTL."""
    ttl = getattr(settings, "HELPMESH_CONFIG_CACHE_SECONDS", 5)
    if ttl <= 0:
        return load()
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[0] < ttl:
        return entry[1]
    value = load()
    with _lock:
        _entries[key] = (now, value)
    return value


def forget(prefix: str = "") -> None:
    """Drop every entry whose key starts with ``prefix`` (all of them by default)."""
    with _lock:
        for key in [k for k in _entries if k.startswith(prefix)]:
            del _entries[key]
