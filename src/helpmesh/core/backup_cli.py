"""``helpmesh backup --out FILE`` and ``helpmesh restore FILE [--force]``, with progress bars."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from helpmesh.core import backup


def add_backup_commands(sub: argparse._SubParsersAction, console: Console) -> None:
    """Register the two commands on the ``helpmesh`` parser."""
    make = sub.add_parser("backup", help="write the database and uploaded files to one file")
    make.add_argument("--out", required=True, type=Path, help="the backup file to write")
    make.set_defaults(func=lambda args: run_backup(args.out, console))
    restore = sub.add_parser("restore", help="restore a backup into an empty home and database")
    restore.add_argument("file", type=Path, help="a file written by helpmesh backup")
    restore.add_argument(
        "--force", action="store_true", help="replace the database and files that are there"
    )
    restore.set_defaults(func=lambda args: run_restore(args.file, args.force, console))


class _Bars:
    """One bar per step ("database", "files"), created when the step first reports."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.bars: dict[str, TaskID] = {}

    def __call__(self, step: str, done: int, total: int | None) -> None:
        if step not in self.bars:
            self.bars[step] = self.progress.add_task(step, total=total)
        self.progress.update(self.bars[step], completed=done, total=total)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def run_backup(out: Path, console: Console) -> int:
    """Exit 0 with a summary, or 1 naming what went wrong."""
    started = time.monotonic()
    try:
        with _progress(console) as progress:
            manifest = backup.backup(out, progress=_Bars(progress))
    except backup.BackupError as exc:
        console.print(f"[red]backup failed:[/red] {exc}")
        return 1
    console.print(
        f"[green]backup written:[/green] {out} ({out.stat().st_size} bytes, "
        f"{manifest.engine}, {manifest.tickets} tickets, {manifest.audit_events} audit events, "
        f"{manifest.media_files} files) in {time.monotonic() - started:.1f} s"
    )
    return 0


def run_restore(file: Path, force: bool, console: Console) -> int:
    """Exit 0 with a summary, 1 naming what stopped the restore (a non-empty target, say)."""
    started = time.monotonic()
    try:
        with _progress(console) as progress:
            manifest = backup.restore(file, force=force, progress=_Bars(progress))
    except backup.BackupError as exc:
        console.print(f"[red]restore refused:[/red] {exc}")
        return 1
    console.print(
        f"[green]restored[/green] {file} (taken {manifest['created_at']}: "
        f"{manifest['tickets']} tickets, {manifest['audit_events']} audit events, "
        f"{manifest['media_files']} files) in {time.monotonic() - started:.1f} s; "
        "run `helpmesh migrate` if this release is newer, then `helpmesh audit verify`"
    )
    return 0
