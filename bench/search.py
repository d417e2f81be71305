"""Search at scale: reindex N documents (progress bar, time) and query latency p50/p95.

    .venv/bin/python bench/search.py --docs 100000 [--db postgres] [--queries 300]

Documents are written from the demo catalog's real request texts and fix sentences, recombined
so that no two are equal (a help center's articles share vocabulary the same way). Each query is
one of the catalog's subjects reworded; latency is ``search.engine.search`` in-process as the
help center calls it (anonymous viewer, logged), median and 95th percentile after 20 warm-ups.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres:helpmesh@127.0.0.1:5432/helpmesh_bench_search"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--semantic", choices=["auto", "off"], default="auto")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="helpmesh-bench-search-")
    os.environ["HELPMESH_HOME"] = home
    os.environ["HELPMESH_SEARCH_SEMANTIC"] = args.semantic
    os.environ.setdefault("HELPMESH_SEARCH_ENCODER_DIR", str(ROOT / ".helpmesh" / "search-encoder"))
    if args.db == "postgres":
        env = {**os.environ, "PGPASSWORD": "helpmesh"}
        base = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(
            ["dropdb", *base, "--if-exists", "helpmesh_bench_search"], env=env, check=True
        )
        subprocess.run(["createdb", *base, "helpmesh_bench_search"], env=env, check=True)
        os.environ["HELPMESH_DATABASE_URL"] = PG
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from rich.progress import Progress

    from helpmesh.demo import catalog
    from helpmesh.search import engine, services
    from helpmesh.search.documents import Document

    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    requests = [(s, b) for topics in catalog.TOPICS.values() for s, b, _ in topics]
    fixes = [line for lines in catalog.FIXES.values() for line in lines] or catalog.AGENT_REPLIES

    def document(i: int) -> Document:
        subject, body = rng.choice(requests)
        extra = " ".join(rng.sample(fixes, k=min(3, len(fixes))))
        title = f"{subject} ({rng.choice(['web', 'mobile', 'desktop', 'API'])} #{i})"
        return Document("article", i, title, f"{body}\n{extra}", f"/help/articles/{i}/")

    started = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task(f"indexing {args.docs:,} documents", total=args.docs)
        services.reindex(
            (document(i) for i in range(1, args.docs + 1)),
            progress=lambda n: progress.advance(task, n),
            clear=False,
        )
    indexing = time.perf_counter() - started
    questions = [s.lower().replace("my", "our") for s, _ in requests]
    for q in questions[:20]:
        engine.search(q)
    timings = []
    for _ in range(args.queries):
        q = rng.choice(questions)
        t0 = time.perf_counter()
        engine.search(q, source="bench")
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{args.db}, semantic {args.semantic}: reindexed {args.docs:,} documents in "
        f"{indexing:.0f} s ({args.docs / indexing:.0f}/s); search p50 "
        f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms over {args.queries} queries"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
