"""Benchmark: how often reply and signature extraction is exactly right, and how fast it parses.

    taskset -c 0 .venv/bin/python bench/reply_extraction.py

Reads three development sets and prints, per client and per language, how many messages gave
exactly the expected reply and exactly the expected signature (both compared after ``strip()``):

- ``tests/email/fixtures/reply_cases/``: real-format replies the project wrote per client and
  language (``manifest.json`` holds the expected reply and signature; ``build.py`` writes them),
  parsed whole with ``parser.parse`` (MIME, charsets, HTML, then extraction);
- ``tests/email/fixtures/reply_corpus/``: the GitHub and Zapier email_reply_parser corpora as
  vendored (their ``expectations.json``: ``reply_equals``/``reply_strip_equals`` cases count for
  the reply, the per-fragment ``signature`` flags for the signature), through ``reply.read``;
- ``../shared/data/email_reply_parser`` when present (the same corpora as distributed; skipped
  when the checkout has no shared data).

Then the speed: ``parser.parse`` over every .eml of the first set, repeated for ``--seconds``,
in messages per CPU-second on one core (the 767 kB pathological corpus case is timed on its own).
``--json`` prints the figures as one JSON object; ``--failures`` lists the misses.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from helpmesh.channels.email import parser, reply  # noqa: E402

CASES = ROOT / "tests" / "email" / "fixtures" / "reply_cases"
CORPUS = ROOT / "tests" / "email" / "fixtures" / "reply_corpus"
SHARED = ROOT.parent / "shared" / "data" / "email_reply_parser"
SETS = ("github_email_reply_parser", "zapier_email-reply-parser")


class Tally:
    """Exact-reply and exact-signature counts for one group (a client, a language, a set)."""

    def __init__(self) -> None:
        self.replies = [0, 0]  # right, total
        self.signatures = [0, 0]

    def add(self, kind: str, right: bool) -> None:
        counts = self.replies if kind == "reply" else self.signatures
        counts[0] += int(right)
        counts[1] += 1

    def as_json(self) -> dict[str, object]:
        return {"reply": list(self.replies), "signature": list(self.signatures)}


def _percent(counts: list[int]) -> str:
    right, total = counts
    return f"{right}/{total} ({100 * right / total:.1f} %)" if total else "-"


def measure_cases(groups: dict[str, Tally], failures: list[str]) -> list[bytes]:
    manifest = json.loads((CASES / "manifest.json").read_text(encoding="utf-8"))
    raws = []
    for filename, expected in sorted(manifest.items()):
        raw = (CASES / filename).read_bytes()
        raws.append(raw)
        mail = parser.parse(raw)
        keys = ("all", f"client:{expected['client']}", f"language:{expected['language']}")
        reply_right = mail.reply.strip() == expected["reply"].strip()
        signature_right = mail.signature.strip() == expected["signature"].strip()
        for key in keys:
            groups[key].add("reply", reply_right)
            groups[key].add("signature", signature_right)
        if not reply_right:
            failures.append(f"{filename}: reply {mail.reply!r}")
        if not signature_right:
            failures.append(f"{filename}: signature {mail.signature!r}")
    return raws


def _corpus_text(folder: Path, filename: str) -> str:
    path = folder / "emails" / filename
    if not path.exists():
        with gzip.open(f"{path}.gz", "rt", encoding="utf-8", newline="") as packed:
            return packed.read()
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def measure_corpus(root: Path, label: str, groups: dict[str, Tally], failures: list[str]) -> None:
    for name in SETS:
        folder = root / name
        if not (folder / "expectations.json").exists():
            continue
        cases = json.loads((folder / "expectations.json").read_text())["cases"]
        for filename, case in cases.items():
            parsed = reply.read(_corpus_text(folder, filename))
            group = groups[f"corpus:{label}/{name.split('_')[0]}"]
            expected = case.get("reply_equals", case.get("reply_strip_equals"))
            if expected is not None:
                right = parsed.reply.strip() == expected.strip()
                group.add("reply", right)
                if not right:
                    failures.append(f"{label}/{name}/{filename}: reply {parsed.reply!r}")
            if "signature" in case:
                flags = [f.signature for f in parsed.fragments]
                right = flags == case["signature"]
                group.add("signature", right)
                if not right:
                    failures.append(f"{label}/{name}/{filename}: signature flags {flags}")


def measure_speed(raws: list[bytes], seconds: float) -> dict[str, float]:
    # CPU time of this process: the machine is shared, and wall time would count other loads.
    parsed, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for raw in raws:
            parser.parse(raw)
        parsed += len(raws)
    rate = parsed / (time.process_time() - started)
    stress = _corpus_text(CORPUS / SETS[0], "email_long_quote.txt")
    started = time.perf_counter()
    reply.read(stress)
    return {"messages_per_second": round(rate), "long_quote_seconds": time.perf_counter() - started}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--seconds", type=float, default=5.0, help="how long to time parsing")
    arguments.add_argument("--json", action="store_true", help="print one JSON object")
    arguments.add_argument("--failures", action="store_true", help="list every miss")
    options = arguments.parse_args()
    groups: dict[str, Tally] = defaultdict(Tally)
    failures: list[str] = []
    raws = measure_cases(groups, failures)
    measure_corpus(CORPUS, "vendored", groups, failures)
    if SHARED.exists():
        measure_corpus(SHARED, "shared", groups, failures)
    speed = measure_speed(raws, options.seconds)
    if options.json:
        print(json.dumps({"groups": {k: v.as_json() for k, v in groups.items()}, **speed}))
        return
    print(f"{'group':<32} {'exact reply':>20} {'exact signature':>20}")
    for key in sorted(groups, key=lambda k: (k != "all", k)):
        tally = groups[key]
        print(f"{key:<32} {_percent(tally.replies):>20} {_percent(tally.signatures):>20}")
    rate = speed["messages_per_second"]
    print(f"parse speed: {rate} messages per CPU-second ({len(raws)} messages)")
    print(f"767 kB pathological reply: {speed['long_quote_seconds']:.3f} s")
    if options.failures:
        print("\n".join(failures))


if __name__ == "__main__":
    main()
