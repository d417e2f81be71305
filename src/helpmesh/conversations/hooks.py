"""Ordered steps that higher layers add to the life of a ticket, named in settings.

The record (this app) sits below triage, routing and SLAs, so it cannot import them; instead the
settings list, in order, what runs after each kind of change:

    HELPMESH_TICKET_HOOKS = {
        "received": ["helpmesh.triage.steps.classify", "helpmesh.routing.steps.route"],
        "message_added": ["helpmesh.routing.steps.track_sla"],
        "updated": ["helpmesh.routing.steps.track_sla"],
    }

Each step is ``step(ticket, **context)`` and runs inside the same transaction as the change, so a
failing step rolls the change back. One list in one place: a reader sees the whole pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

STAGES = ("received", "message_added", "updated")


@cache
def _steps(stage: str, paths: tuple[str, ...]) -> list[Callable[..., Any]]:
    return [import_string(path) for path in paths]


def run(stage: str, ticket: Any, **context: Any) -> None:
    """Call every step configured for ``stage`` with the ticket and what happened."""
    if stage not in STAGES:
        raise ValueError(f"unknown hook stage {stage!r}")
    paths = tuple(getattr(settings, "HELPMESH_TICKET_HOOKS", {}).get(stage, ()))
    for step in _steps(stage, paths):
        step(ticket, **context)
