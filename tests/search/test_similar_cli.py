"""``helpmesh similar rank`` as an operator runs it: a real process, its own throwaway index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CORPUS = [
    {"id": "billing-1", "title": "Update the card we charge", "body": "Open billing, then cards."},
    {"id": "ship-2", "title": "Track a parcel", "body": "Every shipment has a tracking link."},
    {"id": "pw-3", "title": "Reset a forgotten password", "body": "Use the reset link we email."},
]


def run(tmp_path: Path, queries: list[dict]) -> subprocess.CompletedProcess:
    corpus, asked = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    corpus.write_text("".join(json.dumps(row) + "\n" for row in CORPUS))
    asked.write_text("".join(json.dumps(row) + "\n" for row in queries))
    env = {**os.environ, "HELPMESH_SEARCH_SEMANTIC": "off", "HELPMESH_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "helpmesh.cli", "similar", "rank"]
    args = ["--corpus", str(corpus), "--queries", str(asked), "--out", str(tmp_path / "out")]
    return subprocess.run(command + args, env=env, capture_output=True, text=True, timeout=120)


def test_it_ranks_the_whole_corpus_or_the_candidates_best_first(tmp_path: Path) -> None:
    queries = [
        {"id": "q1", "title": "where is my parcel", "body": "tracking shows nothing"},
        {"id": "q2", "title": "forgot my password", "candidates": ["billing-1", "pw-3"]},
    ]
    done = run(tmp_path, queries)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (tmp_path / "out").read_text().splitlines()]
    assert lines[0]["id"] == "q1" and lines[0]["ranked"][0] == "ship-2"
    assert lines[1] == {"id": "q2", "ranked": ["pw-3", "billing-1"]}
    assert not (tmp_path / "helpmesh.sqlite3").exists()  # the configured database is untouched


def test_a_bad_line_or_an_unknown_candidate_is_named(tmp_path: Path) -> None:
    done = run(tmp_path, [{"id": "q1", "title": "x", "candidates": ["missing-9"]}])
    assert done.returncode == 2
    assert "missing-9" in done.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "title": "fine"}\nnot json\n')
    env = {**os.environ, "HELPMESH_SEARCH_SEMANTIC": "off", "HELPMESH_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "helpmesh.cli", "similar", "rank", "--corpus", str(bad)]
    args = ["--queries", str(bad), "--out", str(tmp_path / "o")]
    failed = subprocess.run(command + args, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2 and "bad.jsonl:2" in failed.stderr
