"""Paired k-fold cross-validation of the hybrid triage model's vote share (docs/triage.md).

    .venv/bin/python bench/triage_cv.py                       # Banking77 train.csv, 5 folds
    .venv/bin/python bench/triage_cv.py --data F.csv --label-column label --folds 5
    .venv/bin/python bench/triage_cv.py --c 50 --embed-weight 2   # the regression's settings

Each fold fits the shipped hybrid model (TF-IDF + MiniLM, logistic regression, the examples kept
to vote) on the other folds and scores its rows with every share of the similar examples' vote;
the same fits serve every share, so the differences are paired: "won" and "lost" count rows the
share gets right and share 0 gets wrong, and the reverse. Dev alone (1,003 rows) cannot tell
differences under ~0.8 points from noise; 10,003 paired rows can.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

BANKING = Path(os.environ.get("BANKING77", "/work/shared/data/banking77"))


def main() -> None:
    from sklearn.model_selection import StratifiedKFold

    from helpmesh.triage import data, training
    from helpmesh.triage.encoder import Encoder
    from helpmesh.triage.model import Meta, TriageModel, mix

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(BANKING / "train.csv"))
    parser.add_argument("--label-column", default="category")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=training.DEFAULT_C["hybrid"])
    parser.add_argument("--embed-weight", type=float, default=training.EMBED_WEIGHT)
    args = parser.parse_args()

    examples = data.read_examples(Path(args.data), label_column=args.label_column, labelled=True)
    texts, labels = examples.texts, np.array(examples.labels)
    encoder = Encoder.build()
    started = time.perf_counter()
    embeddings = encoder.embed(texts)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - started:.0f}s")
    shares = training.NEIGHBOURS_WEIGHTS
    right = {share: np.zeros(len(texts), dtype=bool) for share in shares}
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, labels)
    for number, (fit_rows, score_rows) in enumerate(folds, start=1):
        started = time.perf_counter()
        meta = Meta(
            backend="hybrid",
            labels=[],
            c=args.c,
            embed_weight=args.embed_weight,
            neighbours_weight=1.0,  # keep the examples; each share is applied below
            neighbours_k=training.NEIGHBOURS_K,
            neighbours_temperature=training.NEIGHBOURS_TEMPERATURE,
        )
        model = TriageModel.fit(
            [texts[i] for i in fit_rows],
            list(labels[fit_rows]),
            meta,
            encoder=encoder,
            embeddings=embeddings[fit_rows],
        )
        linear, vote = model.components([texts[i] for i in score_rows], embeddings[score_rows])
        names = np.array(model.meta.labels)
        for share in shares:
            predicted = names[mix(linear, vote, share).argmax(axis=1)]
            right[share][score_rows] = predicted == labels[score_rows]
        seconds = time.perf_counter() - started
        print(f"fold {number}/{args.folds}: {len(score_rows)} rows, {seconds:.0f}s")
    print("share  accuracy  won  lost  (vs share 0)")
    for share in shares:
        won = int((right[share] & ~right[0.0]).sum())
        lost = int((right[0.0] & ~right[share]).sum())
        print(f"{share:5.1f}  {right[share].mean():.4f}  {won:4d}  {lost:4d}")


if __name__ == "__main__":
    main()
