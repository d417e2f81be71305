"""The vector index choice (docs/adr/0026-search-vector-index.md): usearch HNSW against exact
numpy search over N unit vectors of 384 dimensions: build time, query p50/p95, recall@10.

    .venv/bin/python bench/vector_index.py [--vectors 100000] [--queries 200]

Random vectors are the HNSW worst case (no clusters); real embeddings recall better.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from helpmesh.search.vectors import ExactIndex, HnswIndex


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    data = rng.normal(size=(args.vectors, 384)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    queries = data[rng.choice(args.vectors, args.queries)] + rng.normal(
        scale=0.05, size=(args.queries, 384)
    ).astype(np.float32)
    keys = np.arange(args.vectors, dtype=np.int64)
    truth = []
    for name, index in (("exact numpy", ExactIndex()), ("usearch hnsw", HnswIndex())):
        started = time.perf_counter()
        index.upsert(keys, data)
        build = time.perf_counter() - started
        timings, found = [], []
        for q in queries:
            t0 = time.perf_counter()
            found.append({k for k, _ in index.search(q, 10)})
            timings.append((time.perf_counter() - t0) * 1000)
        if not truth:
            truth = found
        recall = statistics.mean(len(a & b) / 10 for a, b in zip(found, truth, strict=True))
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:13} {args.vectors:,} vectors: build {build:.1f} s, query p50 "
            f"{statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
            f"recall@10 {recall:.3f}"
        )


if __name__ == "__main__":
    main()
