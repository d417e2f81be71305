"""``helpmesh simulate mmc`` (the validation workload) and ``helpmesh simulate compare``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console

console = Console(stderr=True)


def add_simulate_commands(sub: Any) -> None:
    """Register the ``simulate`` command group on the top-level parser."""
    simulate = sub.add_parser("simulate", help="discrete-event simulation of the support desk")
    simulate_sub = simulate.add_subparsers(dest="simulate_command", required=True)
    mmc = simulate_sub.add_parser("mmc", help="M/M/c validation workload (rates per second)")
    mmc.add_argument("--arrival-rate", type=float, required=True, help="customers per second")
    mmc.add_argument("--service-rate", type=float, required=True, help="services per second")
    mmc.add_argument("--agents", type=int, required=True)
    mmc.add_argument("--customers", type=int, required=True)
    mmc.add_argument("--seed", type=int, default=1)
    mmc.add_argument(
        "--patience", type=float, help="mean seconds before a customer gives up (Erlang A)"
    )
    mmc.add_argument("--json", action="store_true", help="print JSON on stdout")
    mmc.set_defaults(func=cmd_mmc, isolated=True)
    add_compare_command(simulate_sub)


def cmd_mmc(args: argparse.Namespace) -> int:
    from helpmesh.simulate.engine import SimulationError, simulate_mmc

    try:
        result = simulate_mmc(
            args.arrival_rate,
            args.service_rate,
            args.agents,
            args.customers,
            args.seed,
            patience_s=args.patience,
        )
    except SimulationError as exc:
        return _flag_error(exc)
    if args.json:
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")
    else:
        for key, value in result.as_dict().items():
            console.print(f"{key}: {value}")
    return 0


def _flag_error(exc: Any) -> int:
    console.print(f"[red]error:[/red] --{exc.field.replace('_', '-')}: {exc.message}")
    return 2


def add_compare_command(simulate_sub: Any) -> None:
    compare = simulate_sub.add_parser(
        "compare", help="replay history under the current model and an alternative"
    )
    compare.add_argument("--model", required=True, help="the alternative support model (YAML)")
    compare.add_argument("--from", dest="from_", help="first day of history (YYYY-MM-DD)")
    compare.add_argument("--to", help="last day of history (YYYY-MM-DD)")
    compare.add_argument("--replications", type=int, default=5)
    compare.add_argument("--seed", type=int, default=1)
    compare.add_argument(
        "--what-if",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="agents.<team>=+N or deflection=+X%% (applied to the alternative)",
    )
    compare.add_argument("--out", required=True, help="write the HTML report here")
    compare.add_argument("--json", action="store_true", help="print JSON on stdout")
    compare.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from helpmesh.simulate import compare, report

    if args.replications < 1:
        return _flag_error(compare.CompareError("replications", "must be a whole number ≥ 1"))
    try:
        text = Path(args.model).read_text(encoding="utf-8")
    except OSError as exc:
        return _flag_error(compare.CompareError("model", f"cannot read {args.model}: {exc}"))
    try:
        with console.status("calibrating the workload from history"):
            workload, scenarios = compare.prepare(text, args.from_, args.to, args.what_if)
    except compare.CompareError as exc:
        return _flag_error(exc)
    total = compare.expected_arrivals(workload) * len(scenarios) * args.replications
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("simulated tickets", total=total)
        results = compare.run(
            workload,
            scenarios,
            args.replications,
            seed=args.seed,
            tick=lambda n: progress.advance(task, n),
        )
        progress.update(task, total=progress.tasks[0].completed)
    figures = [r.as_dict() for r in results]
    Path(args.out).write_text(report.render(workload, results, figures), encoding="utf-8")
    console.print(f"wrote {args.out}")
    if args.json:
        sys.stdout.write(json.dumps({"models": figures}) + "\n")
    else:
        for item in figures:
            console.print(
                f"{item['name']}: first response p50 {item['first_response_p50_s'] / 3600:.2f} h, "
                f"resolution p50 {item['resolution_p50_s'] / 3600:.2f} h, "
                f"SLA {item['sla_attainment']:.1%}, utilization {item['utilization']:.1%}, "
                f"shares {item['shares']}"
            )
    return 0
