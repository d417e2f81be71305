"""``helpmesh model export FILE`` / ``helpmesh model apply FILE`` and ``helpmesh routing sweep``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console(stderr=True)


def add_model_commands(sub: Any) -> None:
    """Register the ``model`` and ``routing`` command groups on the top-level parser."""
    model = sub.add_parser("model", help="the support model as YAML")
    model_sub = model.add_subparsers(dest="model_command", required=True)
    export = model_sub.add_parser("export", help="write the support model to FILE ('-': stdout)")
    export.add_argument("file")
    export.set_defaults(func=cmd_export)
    apply = model_sub.add_parser("apply", help="validate FILE and make the database match it")
    apply.add_argument("file")
    apply.add_argument("--check", action="store_true", help="validate only, change nothing")
    apply.set_defaults(func=cmd_apply)
    routing = sub.add_parser("routing", help="routing and SLA sweeps")
    routing_sub = routing.add_subparsers(dest="routing_command", required=True)
    sweep = routing_sub.add_parser("sweep", help="run SLA, hand-off, escalation, absence sweeps")
    sweep.add_argument("--every", type=float, default=0, help="repeat every N seconds (enqueue)")
    sweep.set_defaults(func=cmd_sweep)


def cmd_export(args: argparse.Namespace) -> int:
    from helpmesh.routing import yaml_io

    text = yaml_io.dump(yaml_io.export_document())
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        console.print(f"wrote {args.file}")
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from helpmesh.routing import yaml_io
    from helpmesh.routing.validation import SpecError

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    try:
        document = yaml_io.load(text)
        if args.check:
            yaml_io.validate(document)
            console.print("[green]valid[/green]")
            return 0
        counts = yaml_io.apply_document(document)
    except SpecError as exc:
        console.print(f"[red]invalid support model:[/red] {exc}")
        return 1
    console.print("applied: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from helpmesh.automation import tasks as automation_tasks
    from helpmesh.routing import sweeps, tasks

    if not args.every:
        counts = sweeps.run_all()
        counts["time_triggers"] = automation_tasks.services.run_time_triggers()
        counts["webhooks_due"] = len(automation_tasks.due_deliveries())
        automation_tasks.retry_webhooks.enqueue()
        console.print(", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    # A scheduler loop: it only enqueues; workers do the work and claim rows atomically.
    while True:
        tasks.sweep.enqueue()
        automation_tasks.time_triggers.enqueue()
        automation_tasks.retry_webhooks.enqueue()
        time.sleep(args.every)
