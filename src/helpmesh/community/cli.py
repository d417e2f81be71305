"""``helpmesh community rebadge|recompute``: re-run badge rules or rebuild reputation from the
ledger, over the whole history, with a progress bar."""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.console import Console
from rich.progress import Progress

console = Console(stderr=True)


def add_community_commands(sub: Any) -> None:
    """Register the ``community`` command group on the top-level parser."""
    community = sub.add_parser("community", help="community reputation and badges")
    community_sub = community.add_subparsers(dest="community_command", required=True)
    community_sub.add_parser(
        "rebadge", help="re-run every badge rule over the whole history; awards match the rules"
    ).set_defaults(func=cmd_rebadge)
    community_sub.add_parser(
        "recompute", help="rebuild every member's reputation from the points ledger"
    ).set_defaults(func=cmd_recompute)


def cmd_rebadge(args: argparse.Namespace) -> int:
    from helpmesh.community import badges

    started = time.monotonic()
    with Progress(console=console) as progress:
        bar = progress.add_task("re-awarding badges (members)", total=None)
        result = badges.rebadge(
            lambda done, total: progress.update(bar, completed=done, total=total)
        )
    console.print(
        f"{result['members']} members: {result['awarded']} badges awarded, "
        f"{result['taken_back']} taken back in {time.monotonic() - started:.1f}s"
    )
    return 0


def cmd_recompute(args: argparse.Namespace) -> int:
    from helpmesh.community import reputation

    with Progress(console=console) as progress:
        bar = progress.add_task("recomputing reputation (members)", total=None)
        changed = reputation.recompute_all(
            lambda done, total: progress.update(bar, completed=done, total=total)
        )
    console.print(f"{changed} members' reputation changed")
    return 0
