"""Scoring a model on labelled data: accuracy, macro-F1, per-class report, confused pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import accuracy_score, classification_report, f1_score


@dataclass
class Report:
    accuracy: float
    macro_f1: float
    per_class: str
    confused: list[tuple[str, str, int]]  # (true, predicted, count), most frequent first
    rows: int


def score(truth: Sequence[str], predicted: Sequence[str], *, top: int = 10) -> Report:
    """Compare ``predicted`` with ``truth`` (labels as strings)."""
    labels = sorted(set(truth) | set(predicted))
    return Report(
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        per_class=str(
            classification_report(truth, predicted, labels=labels, digits=3, zero_division=0)
        ),
        confused=confused_pairs(truth, predicted, top=top),
        rows=len(truth),
    )


def confused_pairs(
    truth: Sequence[str], predicted: Sequence[str], *, top: int = 10
) -> list[tuple[str, str, int]]:
    """The most frequent (true, predicted) mistakes."""
    mistakes = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return [(t, p, n) for (t, p), n in mistakes.most_common(top)]
