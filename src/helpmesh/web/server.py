"""``helpmesh serve``: granian's WSGI server (Rust HTTP, Python in worker threads), configured
from the environment (ADR 0023: less CPU per request than gunicorn's threaded workers)."""

from __future__ import annotations

from helpmesh.config import ConfigError, env


def check_production_settings() -> None:
    """Refuse to serve with a generated secret: sessions would not survive a restart elsewhere."""
    if not env("HELPMESH_SECRET_KEY"):
        raise ConfigError(
            "HELPMESH_SECRET_KEY (or HELPMESH_SECRET_KEY_FILE) must be set for helpmesh serve"
        )


def serve(*, host: str, port: int, workers: int, threads: int) -> int:
    """Serve the application with ``workers`` processes of ``threads`` threads until stopped."""
    from granian.constants import Interfaces
    from granian.server import Server
    from rich.console import Console

    try:
        check_production_settings()
    except ConfigError as exc:
        Console(stderr=True).print(f"[red]configuration error:[/red] {exc}")
        return 2
    Server(
        "helpmesh.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        backlog=2048,
        respawn_failed_workers=True,  # a crashed worker comes back, as with gunicorn
        workers_kill_timeout=10,  # graceful stop: in-flight requests get ten seconds
    ).serve()
    return 0
