"""Choosing the confidence below which triage says "out of scope" (docs/triage.md).

The threshold is picked on a held-out slice of the training data, never on test data:

- when that slice holds examples labelled out-of-scope, the threshold that maximizes accuracy over
  all its rows, treating out-of-scope as its own intent (Larson et al. 2019, the CLINC150 rule);
- otherwise, wrong answers stand in for out-of-scope queries: the threshold that maximizes
  "right and answered, or wrong and withheld" (answer only when more likely right than wrong).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

HOLDOUT_FRACTION = 0.15


def holdout_split(labels: Sequence[str], *, seed: int = 0) -> tuple[list[int], list[int]]:
    """Stratified (fit, held-out) row indices; a class with fewer than 3 rows stays in fit."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    fit, held = [], []
    for label in sorted(by_label):
        rows = by_label[label]
        random.Random(f"{seed}-{label}").shuffle(rows)  # noqa: S311 (a reproducible split)
        take = round(len(rows) * HOLDOUT_FRACTION) if len(rows) >= 3 else 0
        held.extend(rows[:take])
        fit.extend(rows[take:])
    return sorted(fit), sorted(held)


def choose_threshold(
    confidences: np.ndarray, predicted: Sequence[str], truth: Sequence[str], oos_label: str
) -> float:
    """The threshold (one of the observed confidences, or 0) with the best held-out score."""
    return best_threshold(confidences, predicted, truth, oos_label)[0]


def best_threshold(
    confidences: np.ndarray, predicted: Sequence[str], truth: Sequence[str], oos_label: str
) -> tuple[float, int]:
    """``choose_threshold``'s threshold and its score (held-out rows it gets right)."""
    right = np.array([p == t for p, t in zip(predicted, truth, strict=True)])
    is_oos = np.array([t == oos_label for t in truth])
    said_oos = np.array([p == oos_label for p in predicted])
    # Rows that are right if withheld: true out-of-scope ones, or any wrong answer when the slice
    # has no out-of-scope examples to learn from.
    right_if_withheld = is_oos if is_oos.any() else ~right
    best, best_score = 0.0, -1
    for threshold in np.unique(np.concatenate([[0.0], confidences])):
        withheld = (confidences < threshold) | said_oos
        score = int(np.sum(np.where(withheld, right_if_withheld, right)))
        if score > best_score:
            best, best_score = float(threshold), score
    return best, best_score
