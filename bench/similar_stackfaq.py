"""StackFAQ through ``helpmesh similar rank``: MRR, P@1 and R@5 (docs/search.md).

    .venv/bin/python bench/similar_stackfaq.py [--data ../shared/data/stackfaq] [--candidates]

Threads (title + answers) are the corpus; each crowd rephrasing is a query whose one relevant
thread is its ``faq_id``. Without ``--candidates`` the whole corpus is ranked (top 100).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "stackfaq"))
    parser.add_argument("--queries", default="dev_queries.jsonl")
    parser.add_argument("--candidates", action="store_true", help="pass every id as candidates")
    args = parser.parse_args()
    data = Path(args.data)
    faq = [json.loads(line) for line in (data / "faq_collection.jsonl").open()]
    queries = [json.loads(line) for line in (data / args.queries).open()]
    every = [row["faq_id"] for row in faq]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, asked, out = (Path(tmp) / n for n in ("corpus", "queries", "out"))
        corpus.write_text(
            "".join(
                json.dumps(
                    {"id": r["faq_id"], "title": r["question"], "body": "\n".join(r["answers"])}
                )
                + "\n"
                for r in faq
            )
        )
        asked.write_text(
            "".join(
                json.dumps(
                    {"id": q["query_id"], "title": q["query"], "body": ""}
                    | ({"candidates": every} if args.candidates else {})
                )
                + "\n"
                for q in queries
            )
        )
        started = time.perf_counter()
        command = [str(ROOT / ".venv/bin/helpmesh"), "similar", "rank", "--corpus", str(corpus)]
        subprocess.run([*command, "--queries", str(asked), "--out", str(out)], check=True)
        seconds = time.perf_counter() - started
        ranked = {row["id"]: row["ranked"] for row in map(json.loads, out.read_text().splitlines())}
    reciprocal, first, five = [], 0, 0
    for q in queries:
        order = ranked[q["query_id"]]
        rank = order.index(q["faq_id"]) + 1 if q["faq_id"] in order else None
        reciprocal.append(1 / rank if rank else 0.0)
        first += rank == 1
        five += bool(rank and rank <= 5)
    n = len(queries)
    print(
        f"StackFAQ {args.queries}: {n} queries, {len(faq)} threads: "
        f"MRR {sum(reciprocal) / n:.4f}  P@1 {first / n:.4f}  R@5 {five / n:.4f}  "
        f"({seconds:.1f} s for the whole command)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
