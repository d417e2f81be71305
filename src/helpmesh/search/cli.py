"""``helpmesh search reindex`` and ``helpmesh similar rank``: the product's ranking from a shell.

``similar rank`` ranks a corpus file against a queries file with exactly the code the help
center runs: it loads the corpus into a throwaway index (its own SQLite home, so the
configured database is never touched) and asks ``search.engine.search`` for each query.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

console = Console(stderr=True)


def add_search_commands(sub: Any) -> None:
    """Register ``search`` and ``similar`` on the top-level parser."""
    search = sub.add_parser("search", help="the search index behind help center, bot and inbox")
    search_sub = search.add_subparsers(dest="search_command", required=True)
    reindex = search_sub.add_parser("reindex", help="rebuild the index from every source")
    reindex.set_defaults(func=cmd_reindex)
    query = search_sub.add_parser("query", help="search as a viewer would (default: anonymous)")
    query.add_argument("text")
    query.add_argument("--as", dest="viewer", help="email of the user to search as")
    query.add_argument("--limit", type=int, default=10)
    query.set_defaults(func=cmd_query)
    similar = sub.add_parser("similar", help="similar questions and articles")
    similar_sub = similar.add_subparsers(dest="similar_command", required=True)
    rank = similar_sub.add_parser("rank", help="rank a corpus for each query (JSON lines)")
    rank.add_argument("--corpus", help='lines {"id","title","body"} (--source file)')
    rank.add_argument("--queries", required=True, help='lines {"id","title","body","candidates"?}')
    rank.add_argument("--out", required=True, help='lines {"id","ranked":[ids, best first]}')
    rank.add_argument("--top", type=int, default=100, help="without candidates: how many")
    rank.add_argument(
        "--source",
        choices=SOURCES,
        default="file",
        action=_Source,
        help="file: the --corpus in a throwaway index; topics: the community's topics as "
        "indexed in the configured database (ids are topic ids)",
    )
    rank.add_argument("--as", dest="viewer", help="with --source topics: rank as this user")
    rank.set_defaults(func=cmd_rank, isolated=True)


# Where ``similar rank`` takes its candidates from: a corpus file, or a kind of the live index.
SOURCES = {"file": "", "topics": "topic"}


class _Source(argparse.Action):
    """``--source``; only a corpus file runs isolated (the live index is the configured one)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        namespace.source = values
        namespace.isolated = values == "file"


def isolate() -> None:
    """Point this process at a throwaway home and SQLite database (before Django starts),
    keeping the real home's exported encoder so it is not built again."""
    from helpmesh.config import home

    encoder_dir = os.environ.get("HELPMESH_SEARCH_ENCODER_DIR") or str(home() / "search-encoder")
    os.environ["HELPMESH_SEARCH_ENCODER_DIR"] = encoder_dir
    throwaway = tempfile.mkdtemp(prefix="helpmesh-similar-")
    atexit.register(shutil.rmtree, throwaway, ignore_errors=True)
    os.environ["HELPMESH_HOME"] = throwaway
    os.environ.pop("HELPMESH_DATABASE_URL", None)


def cmd_reindex(args: argparse.Namespace) -> int:
    import time

    from helpmesh.search import services

    documents = [doc for source in services.sources() for doc in source()]
    started = time.perf_counter()
    with Progress(console=console) as progress:
        task = progress.add_task("indexing", total=len(documents))
        count = services.reindex(documents, progress=lambda n: progress.advance(task, n))
    console.print(f"indexed {count} documents in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from helpmesh.accounts.models import User
    from helpmesh.search import engine

    viewer = User.objects.filter(email=args.viewer).first() if args.viewer else None
    if args.viewer and viewer is None:
        console.print(f"[red]no user {args.viewer}[/red]")
        return 2
    results = engine.search(args.text, viewer=viewer, limit=args.limit, source="cli")
    for hit in results.hits:
        print(f"{hit.score:7.3f}  {hit.kind:8} {hit.id:>7}  {hit.title}  {hit.url}")
    return 0


class InputError(ValueError):
    pass


def read_lines(path: Path, required: tuple[str, ...]) -> list[dict]:
    """JSON objects, one a line; a bad line is an error naming the file and line."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number}: expected an object")
            missing = [key for key in required if key not in row]
            if missing:
                raise InputError(f"{path}:{number}: missing {', '.join(missing)}")
            rows.append(row)
    return rows


def cmd_rank(args: argparse.Namespace) -> int:
    from helpmesh.cli import _migrate
    from helpmesh.search import similar

    if args.source == "file" and not args.corpus:
        console.print("[red]--corpus is required (or --source topics)[/red]")
        return 2
    try:
        corpus = read_lines(Path(args.corpus), ("id", "title")) if args.corpus else []
        queries = read_lines(Path(args.queries), ("id",))
    except (OSError, InputError) as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    viewer = None
    if args.source == "file":
        _migrate()
    elif args.viewer:
        from helpmesh.accounts.models import User

        viewer = User.objects.filter(email=args.viewer).first()
        if viewer is None:
            console.print(f"[red]no user {args.viewer}[/red]")
            return 2
    with Progress(console=console) as progress:
        ranker: Any
        if args.source == "file":
            indexing = progress.add_task("indexing the corpus", total=len(corpus))
            ranker = similar.Ranker(corpus, progress=lambda n: progress.advance(indexing, n))
        else:
            ranker = similar.IndexRanker(SOURCES[args.source], viewer)
        ranking = progress.add_task("ranking", total=len(queries))
        with open(args.out, "w", encoding="utf-8") as out:
            for query in queries:
                try:
                    ranked = ranker.rank(query, top=args.top)
                except similar.UnknownCandidate as exc:
                    console.print(f"[red]{args.queries}: query {query['id']!r}: {exc}[/red]")
                    return 2
                out.write(json.dumps({"id": query["id"], "ranked": ranked}) + "\n")
                progress.advance(ranking)
    return 0
