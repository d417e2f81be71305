"""``helpmesh proactive source add|check``: register an alert source (prints its token) and run
due monitors once."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_proactive_commands(sub: Any) -> None:
    """Register the ``proactive`` command group on the top-level parser."""
    proactive = sub.add_parser("proactive", help="monitors, alert sources and incidents")
    proactive_sub = proactive.add_subparsers(dest="proactive_command", required=True)
    source = proactive_sub.add_parser("source", help="alert sources (Alertmanager, scripts)")
    source_sub = source.add_subparsers(dest="source_command", required=True)
    add = source_sub.add_parser("add", help="register a source and print its bearer token")
    add.add_argument("--name", required=True)
    add.add_argument("--component", required=True, help="the component its alerts default to")
    add.set_defaults(func=cmd_source_add)
    proactive_sub.add_parser("check", help="run every due monitor once").set_defaults(
        func=cmd_check
    )


def cmd_source_add(args: argparse.Namespace) -> int:
    from helpmesh.proactive import services

    component = services.component_named(args.component)
    try:
        if component is None:
            component = services.create_component(args.component)
        _, token = services.create_source(args.name, component=component)
    except services.ProactiveError as exc:
        print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    print(token)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from helpmesh.proactive import monitors

    counts = monitors.run_due()
    print(f"{counts['checked']} checks run, {counts['failed']} failed")
    return 0
