"""``helpmesh demo``: one command, one process, everything a support team needs to look around."""

from __future__ import annotations

from django.conf import settings
from rich.console import Console
from rich.progress import Progress

from helpmesh import config
from helpmesh.demo import seed

console = Console()

LOGINS = [
    ("admin@example.com", "admin"),
    ("agent@example.com", "agent"),
    ("alice@example.com", "customer"),
    ("bob@example.com", "customer"),
]


def seed_if_empty(tickets: int | None = None) -> None:
    """Seed the demo data once; re-running keeps what is there."""
    tickets = tickets or config.env_int("HELPMESH_DEMO_TICKETS", 2000)
    if seed.is_seeded():
        console.print("demo data already present: keeping it")
        return
    with Progress(console=console) as progress:
        bar = progress.add_task("seeding demo tickets", total=tickets)
        counts = seed.seed(tickets=tickets, progress=lambda n: progress.advance(bar, n))
    console.print(f"seeded {counts}")


def run_demo(*, port: int, host: str, seed: bool = True) -> int:
    """Migrate, seed, start the embedded worker and serve until interrupted."""
    from django.core.servers.basehttp import WSGIServer, run

    from helpmesh.cli import _migrate
    from helpmesh.core import worker
    from helpmesh.wsgi import application

    console.print(f"helpmesh home: {settings.HOME}")
    _migrate()
    if seed:
        seed_if_empty()
    worker.start_in_thread()
    _banner(host, port)
    try:
        run(host, port, application, threading=True, server_cls=WSGIServer)
    except KeyboardInterrupt:
        console.print("stopped")
    return 0


def _banner(host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    console.print(f"\n[bold]helpmesh demo[/bold] at {base}")
    console.print(f"  agent inbox     {base}/inbox/")
    console.print(f"  customer portal {base}/portal/")
    console.print(f"  admin           {base}/admin/")
    console.print(f"  API docs        {base}/api/v1/docs")
    console.print("  logins (password 'demo'): " + ", ".join(f"{e} ({r})" for e, r in LOGINS))
    console.print("  sent mail is written to " + str(settings.EMAIL_FILE_PATH) + "\n")
