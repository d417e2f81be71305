"""``helpmesh staffing erlang-c|erlang-a``: agents needed for a service level (analytics.staffing).

Pure arithmetic: the commands never open the configured database.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


def add_staffing_commands(sub: Any) -> None:
    """Register the ``staffing`` command group on the top-level parser."""
    staffing = sub.add_parser("staffing", help="agents needed: Erlang C and Erlang A")
    staffing_sub = staffing.add_subparsers(dest="staffing_command", required=True)
    erlang_c = staffing_sub.add_parser("erlang-c", help="callers wait as long as it takes")
    _common(erlang_c)
    erlang_c.set_defaults(func=cmd_erlang_c, isolated=True)
    erlang_a = staffing_sub.add_parser("erlang-a", help="callers abandon after some patience")
    _common(erlang_a)
    erlang_a.add_argument(
        "--patience", type=float, required=True, help="mean seconds before a caller gives up"
    )
    erlang_a.set_defaults(func=cmd_erlang_a, isolated=True)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--calls-per-hour", type=float, required=True, help="arrivals per hour")
    parser.add_argument("--handle-time", type=float, required=True, help="mean seconds per call")
    parser.add_argument(
        "--answer-within", type=float, required=True, help="service level threshold in seconds"
    )
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--agents", type=int, help="figures for this many agents")
    size.add_argument(
        "--target-service-level",
        type=float,
        help="find the fewest agents answering this share within the threshold (0-1)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")


def cmd_erlang_c(args: argparse.Namespace) -> int:
    from helpmesh.analytics import staffing

    def run() -> staffing.Staffing:
        if args.agents is not None:
            return staffing.erlang_c(
                args.calls_per_hour, args.handle_time, args.agents, args.answer_within
            )
        return staffing.erlang_c_agents(
            args.calls_per_hour, args.handle_time, args.answer_within, args.target_service_level
        )

    return _report(args, run)


def cmd_erlang_a(args: argparse.Namespace) -> int:
    from helpmesh.analytics import staffing

    def run() -> staffing.Staffing:
        if args.agents is not None:
            return staffing.erlang_a(
                args.calls_per_hour,
                args.handle_time,
                args.agents,
                args.answer_within,
                args.patience,
            )
        return staffing.erlang_a_agents(
            args.calls_per_hour,
            args.handle_time,
            args.answer_within,
            args.patience,
            args.target_service_level,
        )

    return _report(args, run)


def _report(args: argparse.Namespace, run: Any) -> int:
    from helpmesh.analytics.staffing import StaffingError

    try:
        result = run()
    except StaffingError as exc:
        flag = "--" + exc.field.replace("_", "-")
        console.print(f"[red]error:[/red] {flag}: {exc.message}")
        return 2
    figures = result.as_dict()
    if figures["abandon_rate"] is None:
        del figures["abandon_rate"]
    if args.agents is not None:
        del figures["agents"]  # given, not found: the contract prints it only when searched
    if args.json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return 0
    table = Table("figure", "value")
    for key, value in figures.items():
        shown = f"{value:.4f}" if isinstance(value, float) and math.isfinite(value) else value
        table.add_row(key, str(shown))
    Console().print(table)
    return 0
