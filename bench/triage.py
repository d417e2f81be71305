"""Triage accuracy and speed on Banking77 (and out-of-scope behaviour on CLINC150).

    .venv/bin/python bench/triage.py                      # train_minus_dev -> dev, auto backend
    .venv/bin/python bench/triage.py --backend lexical    # the base-install model
    .venv/bin/python bench/triage.py --train train.csv --test test.csv   # final figures
    .venv/bin/python bench/triage.py --clinc              # in-scope accuracy / oos recall
    .venv/bin/python bench/triage.py --neighbours 0       # hybrid without the similar-examples vote

Reports accuracy, macro-F1, training time (wall clock, all cores) and prediction time per ticket
(one ticket at a time, one encoder thread pinned to one core; wall clock and CPU time,
medians of three runs of 200).
It calls the same ``training.train`` as ``helpmesh triage train``. Select settings on dev only;
the Banking77 test set is held out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

if TYPE_CHECKING:
    from helpmesh.triage.model import TriageModel

BANKING = Path(os.environ.get("BANKING77", "/work/shared/data/banking77"))
CLINC = Path(os.environ.get("CLINC150", "/work/shared/data/clinc150/data_full_train_val.json"))


def _read(path: Path, label_column: str = "category") -> tuple[list[str], list[str]]:
    from helpmesh.triage import data

    examples = data.read_examples(path, label_column=label_column, labelled=True)
    return examples.texts, examples.labels


def _ms_per_ticket(
    model: TriageModel, texts: list[str], count: int = 200, runs: int = 3
) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds per single-ticket prediction on one core (medians of
    ``runs`` means over ``count`` tickets).

    The model is saved and loaded again with one encoder thread, as a worker would load it, and
    this process is pinned to one core (the last it may use) while it predicts, numpy's BLAS
    limited to one thread (its threads were started before the pinning, so they would otherwise
    run the similar-examples vote on another core). On a shared machine the CPU time is the
    better guess of the time on an idle core.
    """
    import statistics
    import tempfile

    from threadpoolctl import threadpool_limits

    from helpmesh.triage.model import TriageModel

    cores = sorted(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as folder:
        loaded = TriageModel.load(model.save(folder), threads=1)
    os.sched_setaffinity(0, {cores[-1]})
    wall, cpu = [], []
    try:
        with threadpool_limits(limits=1):
            _time_predictions(loaded, texts[:count], runs, wall, cpu)
    finally:
        os.sched_setaffinity(0, set(cores))
    return statistics.median(wall), statistics.median(cpu)


def _time_predictions(
    model: TriageModel, texts: list[str], runs: int, wall: list[float], cpu: list[float]
) -> None:
    """Append each run's wall-clock and CPU milliseconds per one-ticket prediction."""
    model.predict(texts[:1])  # warm up
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        for text in texts:
            model.predict([text])
        wall.append((time.perf_counter() - started) / len(texts) * 1000)
        cpu.append((time.process_time() - started_cpu) / len(texts) * 1000)


def _score(model: TriageModel, texts: list[str], labels: list[str], name: str) -> dict[str, float]:
    from helpmesh.triage import metrics

    predicted = [p.label for p in model.predict(texts)]
    report = metrics.score(labels, predicted)
    print(
        f"{name}: accuracy {report.accuracy:.4f}  macro-F1 {report.macro_f1:.4f}  n={report.rows}"
    )
    for true, said, count in report.confused[:5]:
        print(f"    {true} -> {said}: {count}")
    return {"accuracy": report.accuracy, "macro_f1": report.macro_f1}


def banking(args: argparse.Namespace) -> None:
    from helpmesh.triage.data import Examples
    from helpmesh.triage.training import TrainOptions, train

    texts, labels = _read(Path(args.train))
    started = time.perf_counter()
    model = train(
        Examples(texts, labels),
        TrainOptions(
            backend=args.backend,
            c=args.c,
            encoder=args.encoder,
            neighbours_weight=args.neighbours,
        ),
        say=print,
    )
    seconds = time.perf_counter() - started
    print(f"backend {model.meta.backend}, trained on {len(texts)} in {seconds:.1f}s")
    dev_texts, dev_labels = _read(Path(args.dev))
    _score(model, dev_texts, dev_labels, "dev")
    if args.test:
        _score(model, *_read(Path(args.test)), name="test")
    wall, cpu = _ms_per_ticket(model, dev_texts)
    print(f"predict {wall:.2f} ms/ticket wall clock, {cpu:.2f} ms CPU (one core)")
    print(f"load average {os.getloadavg()[0]:.2f} (1 min)")


def clinc(args: argparse.Namespace) -> None:
    """Train on CLINC150 train + oos_train, evaluate on val + oos_val (Larson et al. metrics)."""
    from helpmesh.triage.data import Examples
    from helpmesh.triage.training import TrainOptions, train

    data = json.loads(CLINC.read_text(encoding="utf-8"))
    train_rows, eval_rows = data["train"] + data["oos_train"], data["val"] + data["oos_val"]
    options = TrainOptions(
        backend=args.backend,
        out_of_scope_label="oos",
        c=args.c,
        encoder=args.encoder,
        neighbours_weight=args.neighbours,
    )
    started = time.perf_counter()
    model = train(Examples([t for t, _ in train_rows], [y for _, y in train_rows]), options)
    print(f"backend {model.meta.backend}, trained in {time.perf_counter() - started:.1f}s")
    print(f"out-of-scope threshold {model.meta.threshold:.3f}")
    print(f"similar examples' vote {model.meta.neighbours_weight:.0%}")
    said = [p.label for p in model.predict([t for t, _ in eval_rows])]
    inscope = [(s, y) for s, (_, y) in zip(said, eval_rows, strict=True) if y != "oos"]
    oos = [s for s, (_, y) in zip(said, eval_rows, strict=True) if y == "oos"]
    print(f"in-scope accuracy {sum(s == y for s, y in inscope) / len(inscope):.4f}")
    print(f"out-of-scope recall {sum(s == 'oos' for s in oos) / len(oos):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default=str(BANKING / "train_minus_dev.csv"))
    parser.add_argument("--dev", default=str(BANKING / "dev.csv"))
    parser.add_argument("--test", help="a held-out labelled file, scored once at the end")
    parser.add_argument("--backend", default="auto", choices=["auto", "lexical", "hybrid"])
    parser.add_argument("--encoder", default="float", choices=["float", "int8"])
    parser.add_argument("--c", type=float, help="regularization (default: the shipped one)")
    parser.add_argument(
        "--neighbours", type=float, help="share of the similar examples' vote (0: none)"
    )
    parser.add_argument("--clinc", action="store_true", help="out-of-scope run on CLINC150")
    args = parser.parse_args()
    clinc(args) if args.clinc else banking(args)


if __name__ == "__main__":
    main()
