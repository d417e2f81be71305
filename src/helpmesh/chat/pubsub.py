"""The doorbell behind the chat streams: publish an event under a key, every subscriber of that
key in any web process hears it (docs/adr/0031-chat-real-time.md).

    sub = pubsub.subscribe("session:12")     # before reading the database: nothing slips by
    pubsub.publish("session:12", {"type": "message", "id": 345})
    sub.get(timeout=25)                      # the event, or None after the timeout
    sub.close()

The database stays the source of truth: an event only says "look again" (plus ephemeral
things such as typing), so a lost event costs latency, never a message.

Backends (``HELPMESH_CHAT_PUBSUB``): ``memory`` (default; one process, the embedded server)
and ``redis`` (``HELPMESH_CHAT_REDIS_URL``, default ``redis://127.0.0.1:6379/0``): one
PSUBSCRIBE connection per process fans events out to the same in-process queues, so a process
holds one Redis connection however many visitors it streams to.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Any

from helpmesh import config

log = logging.getLogger(__name__)
PREFIX = "helpmesh:chat:"


class Subscription:
    """One listener's queue; ``get`` waits for the next event."""

    def __init__(self, hub: Hub, key: str) -> None:
        self.hub, self.key = hub, key
        self.events: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    def get(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.hub.unsubscribe(self)


class Hub:
    """In-process fan-out: key -> the subscriptions listening to it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, set[Subscription]] = {}

    def subscribe(self, key: str) -> Subscription:
        sub = Subscription(self, key)
        with self._lock:
            self._listeners.setdefault(key, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            listeners = self._listeners.get(sub.key)
            if listeners is not None:
                listeners.discard(sub)
                if not listeners:
                    del self._listeners[sub.key]

    def deliver(self, key: str, event: dict[str, Any]) -> int:
        with self._lock:
            listeners = list(self._listeners.get(key, ()))
        for sub in listeners:
            sub.events.put(event)
        return len(listeners)

    def listening(self, key: str) -> int:
        with self._lock:
            return len(self._listeners.get(key, ()))

    def publish(self, key: str, event: dict[str, Any]) -> None:
        self.deliver(key, event)


class RedisHub(Hub):
    """Events travel through Redis pub/sub so every web process hears them; one listener
    thread per process hands them to the local queues."""

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(url)
        self._started = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def subscribe(self, key: str) -> Subscription:
        self._ensure_listener()
        return super().subscribe(key)

    def publish(self, key: str, event: dict[str, Any]) -> None:
        self._redis.publish(PREFIX + key, json.dumps(event))

    def _ensure_listener(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._started.clear()
                self._thread = threading.Thread(target=self._listen, daemon=True, name="chat-redis")
                self._thread.start()
        self._started.wait(5)  # subscribed before the caller reads the database

    def _listen(self) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.psubscribe(PREFIX + "*")
        pubsub.get_message(timeout=1)  # the psubscribe confirmation: now we hear everything
        self._started.set()
        for message in pubsub.listen():
            if message.get("type") != "pmessage":
                continue
            try:
                key = message["channel"].decode()[len(PREFIX) :]
                self.deliver(key, json.loads(message["data"]))
            except (ValueError, UnicodeDecodeError):
                log.warning("chat: unreadable event on %r", message.get("channel"))


_hub: Hub | None = None
_hub_lock = threading.Lock()


def hub() -> Hub:
    """This process's hub, built once from the settings."""
    global _hub
    with _hub_lock:
        if _hub is None:
            _hub = _build()
        return _hub


def _build() -> Hub:
    from django.conf import settings

    kind = getattr(settings, "HELPMESH_CHAT_PUBSUB", None) or config.env(
        "HELPMESH_CHAT_PUBSUB", "memory"
    )
    if kind == "redis":
        url = getattr(settings, "HELPMESH_CHAT_REDIS_URL", None) or config.env(
            "HELPMESH_CHAT_REDIS_URL", "redis://127.0.0.1:6379/0"
        )
        return RedisHub(str(url))
    if kind != "memory":
        raise ValueError(f"HELPMESH_CHAT_PUBSUB: unknown backend {kind!r} (memory or redis)")
    return Hub()


def reset(new: Hub | None = None) -> None:
    """Forget the hub (tests switch backends)."""
    global _hub
    with _hub_lock:
        _hub = new


def subscribe(key: str) -> Subscription:
    return hub().subscribe(key)


def publish(key: str, event: dict[str, Any]) -> None:
    hub().publish(key, event)
