"""Readiness checks of what a web process needs to serve: the database and the task broker.

Each check answers ``None`` when the part works, else a short reason; ``/readyz`` names the
failing parts (helpmesh.web.health). Cheap on purpose: one ``SELECT 1`` and one broker connect,
each bounded by a short timeout, so a load balancer may call them every few seconds.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.utils import Error as DatabaseError

BROKER_TIMEOUT_SECONDS = 2.0


def database() -> str | None:
    """``None`` when the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return str(exc).strip() or exc.__class__.__name__
    return None


def broker() -> str | None:
    """``None`` when the Celery broker accepts a connection, or when none is configured."""
    url = getattr(settings, "BROKER_URL", None)
    if not url:
        return None  # the database queue: the database check covers it
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # kombu raises the transport's own errors (redis, amqp, socket)
        return str(exc).strip() or exc.__class__.__name__
    return None


CHECKS: dict[str, Callable[[], str | None]] = {"database": database, "broker": broker}


def parts() -> list[str]:
    """The parts this process depends on: the database, and the broker when one is set."""
    return ["database", "broker"] if getattr(settings, "BROKER_URL", None) else ["database"]


def failures() -> dict[str, str]:
    """The failing parts by name, each with its reason; empty when everything is ready."""
    found = {}
    for name in parts():
        reason = CHECKS[name]()
        if reason is not None:
            found[name] = reason
    return found
