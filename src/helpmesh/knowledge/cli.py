"""``helpmesh kb import|export DIR``: the knowledge base as a folder of Markdown files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

console = Console(stderr=True)


def add_kb_commands(sub: Any) -> None:
    """Register the ``kb`` command group on the top-level parser."""
    kb = sub.add_parser("kb", help="import or export the knowledge base as Markdown files")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    load = kb_sub.add_parser("import", help="import (or update, by slug) a folder of .md files")
    load.add_argument("folder", type=Path)
    load.set_defaults(func=cmd_import)
    dump = kb_sub.add_parser("export", help="write every article to FOLDER/<slug>.md")
    dump.add_argument("folder", type=Path)
    dump.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from helpmesh.knowledge import bundle

    if not args.folder.is_dir():
        console.print(f"[red]cannot import:[/red] {args.folder} is not a folder")
        return 2
    with Progress(console=console) as progress:
        bar = progress.add_task("importing articles", total=bundle.count_files(args.folder))
        report = bundle.import_folder(args.folder, step=lambda _: progress.advance(bar))
    for problem in report.failed:
        console.print(f"[red]failed[/red] {problem}", highlight=False, soft_wrap=True)
    console.print(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed"
    )
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from helpmesh.knowledge import bundle
    from helpmesh.knowledge.models import Article

    with Progress(console=console) as progress:
        bar = progress.add_task("exporting articles", total=Article.objects.count())
        written = bundle.export_folder(args.folder, step=lambda _: progress.advance(bar))
    console.print(f"wrote {written} articles to {args.folder}")
    return 0
