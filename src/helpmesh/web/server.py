"""``helpmesh serve``: gunicorn with threaded workers, configured from the environment."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from helpmesh.config import ConfigError, env


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)  # type: ignore[union-attr]

    def load(self) -> Any:
        from helpmesh.wsgi import application

        return application


def check_production_settings() -> None:
    """Refuse to serve with a generated secret: sessions would not survive a restart elsewhere."""
    if not env("HELPMESH_SECRET_KEY"):
        raise ConfigError(
            "HELPMESH_SECRET_KEY (or HELPMESH_SECRET_KEY_FILE) must be set for helpmesh serve"
        )


def serve(*, host: str, port: int, workers: int, threads: int) -> int:
    """Serve the application until stopped."""
    from rich.console import Console

    try:
        check_production_settings()
    except ConfigError as exc:
        Console(stderr=True).print(f"[red]configuration error:[/red] {exc}")
        return 2
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": None,
            "timeout": 60,
            "graceful_timeout": 10,
            "backlog": 2048,
        }
    ).run()
    return 0
