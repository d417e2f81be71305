"""The ``helpmesh`` command for operators.

helpmesh demo [--port N]        embedded demo: SQLite, seeded data, web server and worker
helpmesh serve [--port N]       production web server (granian) from HELPMESH_* settings
helpmesh worker                 background worker (database queue, or Celery with a broker)
helpmesh migrate                create or upgrade the database
helpmesh audit verify           check the tamper-evident audit chain
helpmesh backup --out FILE      database and uploaded files in one file, while running
helpmesh restore FILE [--force] put a backup back into an empty home and database
helpmesh manage ARGS...         any Django management command
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from rich.console import Console

from helpmesh.analytics.cli import add_staffing_commands
from helpmesh.channels.email.cli import add_mail_commands
from helpmesh.community.cli import add_community_commands
from helpmesh.core.backup_cli import add_backup_commands
from helpmesh.customers.privacy_cli import add_customer_commands
from helpmesh.knowledge.cli import add_kb_commands
from helpmesh.proactive.cli import add_proactive_commands
from helpmesh.routing.cli import add_model_commands
from helpmesh.search.cli import add_search_commands, isolate
from helpmesh.simulate.cli import add_simulate_commands
from helpmesh.triage.cli import add_triage_commands

console = Console(stderr=True)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")
    from helpmesh.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        console.print(f"[red]configuration error:[/red] {exc}")
        sys.exit(2)


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    from helpmesh.config import home

    home().mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_migrate(args: argparse.Namespace) -> int:
    _migrate(verbosity=1)
    return 0


def demo_base_url(args: argparse.Namespace) -> None:
    """Links in the demo's emails point at its own port (unless HELPMESH_BASE_URL is set); its
    published logins need no second factor.

    Runs before Django reads its settings, which take BASE_URL from the environment.
    """
    host = "127.0.0.1" if args.host in ("", "0.0.0.0", "::") else args.host  # noqa: S104
    host = f"[{host}]" if ":" in host else host
    os.environ.setdefault("HELPMESH_BASE_URL", f"http://{host}:{args.port}")
    # The demo's published logins (admin@example.com included) sign in with a password alone;
    # a real install keeps the default: admins must enrol a second factor (accounts.twofactor).
    os.environ.setdefault("HELPMESH_2FA_REQUIRED_ROLES", "none")


def cmd_demo(args: argparse.Namespace) -> int:
    from helpmesh.demo import runner

    return runner.run_demo(port=args.port, host=args.host, seed=not args.no_seed)


def cmd_serve(args: argparse.Namespace) -> int:
    from helpmesh.web import server

    return server.serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads)


def cmd_worker(args: argparse.Namespace) -> int:
    from helpmesh.core import worker

    return worker.run(concurrency=args.concurrency, schedule=not args.no_schedule)


def cmd_audit(args: argparse.Namespace) -> int:
    from helpmesh.core.audit_cli import verify

    return verify(console)


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["helpmesh manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpmesh", description="helpmesh support platform")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the embedded demo with seeded data")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--no-seed", action="store_true", help="do not seed demo data")
    demo.set_defaults(func=cmd_demo, prepare=demo_base_url)
    serve = sub.add_parser("serve", help="production web server")
    serve.add_argument("--port", type=int, default=int(os.environ.get("HELPMESH_PORT", "8000")))
    serve.add_argument("--host", default=os.environ.get("HELPMESH_BIND", "127.0.0.1"))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("HELPMESH_WORKERS", "2")))
    serve.add_argument("--threads", type=int, default=int(os.environ.get("HELPMESH_THREADS", "4")))
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="background task worker")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument(
        "--no-schedule", action="store_true", help="do not enqueue periodic tasks from here"
    )
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=cmd_migrate)
    audit = sub.add_parser("audit", help="the tamper-evident audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="check the hash chain").set_defaults(func=cmd_audit)
    add_mail_commands(sub)
    add_backup_commands(sub, console)
    add_model_commands(sub)
    add_triage_commands(sub)
    add_kb_commands(sub)
    add_customer_commands(sub)
    add_community_commands(sub)
    add_search_commands(sub)
    add_proactive_commands(sub)
    add_staffing_commands(sub)
    add_simulate_commands(sub)
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "isolated", False):
        isolate()  # a command that must not touch the configured database
    if prepare := getattr(args, "prepare", None):
        prepare(args)  # environment a command sets for itself before the settings are read
    _setup()
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
