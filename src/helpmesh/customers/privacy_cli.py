"""``helpmesh customer export ID --out FILE`` and ``helpmesh customer erase ID`` (GDPR)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console(stderr=True)


def add_customer_commands(sub: Any) -> None:
    """Register the ``customer`` command group on the top-level parser."""
    group = sub.add_parser("customer", help="a customer's data: GDPR export and erasure")
    commands = group.add_subparsers(dest="customer_command", required=True)
    export = commands.add_parser("export", help="write everything held about a customer as JSON")
    export.add_argument("customer_id", type=int)
    export.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    export.set_defaults(func=cmd_export)
    erase = commands.add_parser("erase", help="redact a customer's content and identities")
    erase.add_argument("customer_id", type=int)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(func=cmd_erase)


def _find(customer_id: int) -> Any:
    from helpmesh.customers.models import Customer

    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        console.print(f"[red]no customer {customer_id}[/red]")
    elif customer.merged_into_id:
        console.print(
            f"[red]customer {customer_id} was merged into {customer.merged_into_id}[/red]"
        )
        return None
    return customer


def cmd_export(args: argparse.Namespace) -> int:
    from helpmesh.customers import privacy

    customer = _find(args.customer_id)
    if customer is None:
        return 1
    document = privacy.export_customer(customer)
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    console.print(f"wrote customer {customer.pk}'s data to {args.out}")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from helpmesh.customers import privacy

    customer = _find(args.customer_id)
    if customer is None:
        return 1
    if not args.yes and input(f"Erase customer {customer.pk} ({customer})? [y/N] ") != "y":
        console.print("nothing erased")
        return 1
    counts = privacy.erase_customer(customer)
    console.print("erased " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0
