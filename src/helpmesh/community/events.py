"""What happened in the community, told to whoever listens: reputation, badges, search, the crowd.

The forum's services emit; reputation, moderation, notifications and the crowd layer listen,
so the forum never imports them. Listeners run synchronously, inside the emitter's transaction:
a failing listener rolls the action back rather than leaving points or the index out of step.

    @events.on("vote_cast")
    def _points(vote, previous): ...

    events.emit("vote_cast", vote=vote, previous=None)

Events (keyword arguments):
- ``post_published(post)``: a post became visible (written visible, or approved).
- ``post_edited(post, editor)``
- ``post_removed(post, by)`` / ``post_restored(post, by)``: moderation took it down / back.
- ``vote_cast(vote, previous)``: a new vote (``previous`` None) or a changed one (old value).
- ``vote_withdrawn(vote)``: before the vote row is deleted.
- ``answer_accepted(topic, post, by)`` / ``answer_unaccepted(topic, post, by)``
- ``topic_closed(topic, by)``: closed, or closed as a duplicate (``topic.duplicate_of``).
- ``flag_resolved(flag)``: a moderator upheld or dismissed a flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Listener = Callable[..., None]
_listeners: dict[str, list[Listener]] = defaultdict(list)


def on(event: str) -> Callable[[Listener], Listener]:
    """Register the decorated function for ``event`` (once, however often it is imported)."""

    def register(listener: Listener) -> Listener:
        if listener not in _listeners[event]:
            _listeners[event].append(listener)
        return listener

    return register


def emit(event: str, **payload: Any) -> None:
    """Call every listener of ``event`` in registration order."""
    for listener in _listeners.get(event, ()):
        listener(**payload)
