"""Similar resolved tickets vote: a k-nearest-neighbour vote over the sentence embeddings.

The linear classifier draws one boundary per label; a history of support questions is full of
near-paraphrases, and the label of the few most similar past tickets often knows better than a
boundary fitted across all of them. The hybrid model mixes this vote into its probabilities
(docs/adr/0025-triage-neighbour-vote.md): +0.9 points of accuracy on Banking77 (5-fold
cross-validation on its training set, 10,003 rows).

Only the examples of the classifier's few most likely labels vote: scanning every example for
every ticket reads them all from memory (the encoder has just pushed them out of the CPU cache),
2.1 ms per ticket for 9,000 examples; the ten best labels' examples are an eighth of that, and
a label outside the classifier's top ten almost never wins the mix anyway (-0.03 points).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Neighbours:
    """Unit-length embeddings of training examples, grouped by label.

    The examples of label ``i`` are rows ``starts[i]:starts[i + 1]`` of ``embeddings``.
    """

    embeddings: np.ndarray  # (rows, dimensions) float32, unit rows
    starts: np.ndarray  # (labels + 1,) where each label's rows start
    k: int = 10
    temperature: float = 40.0
    candidates: int = 10  # labels whose examples vote: the classifier's most likely

    @classmethod
    def fit(
        cls,
        embeddings: np.ndarray,
        labels: Sequence[str],
        label_order: Sequence[str],
        *,
        k: int,
        temperature: float,
        candidates: int,
        limit: int,
    ) -> Neighbours:
        """Keep the last ``limit`` examples (the newest, when history is in order of time)."""
        index = {label: position for position, label in enumerate(label_order)}
        classes = np.fromiter((index[label] for label in labels), dtype=np.int64, count=len(labels))
        kept, classes = np.asarray(embeddings[-limit:], dtype=np.float32), classes[-limit:]
        order = np.argsort(classes, kind="stable")
        counts = np.bincount(classes, minlength=len(label_order))
        starts = np.concatenate([[0], np.cumsum(counts)])
        return cls(np.ascontiguousarray(kept[order]), starts, k, temperature, candidates)

    @property
    def labels(self) -> int:
        return len(self.starts) - 1

    def vote(self, queries: np.ndarray, likely: np.ndarray) -> np.ndarray:
        """For each query, the label distribution among its ``k`` most similar examples (cosine)
        of its ``candidates`` most ``likely`` labels (a row of scores per query), weighted by
        ``exp(temperature * (similarity - best similarity))``; rows sum to 1."""
        votes = np.zeros((len(queries), self.labels))
        for row, query in enumerate(np.asarray(queries, dtype=np.float32)):
            labels = np.argsort(-likely[row])[: self.candidates]
            similarity, classes = self._similarities(query, labels)
            if not len(similarity):
                continue
            nearest = np.arange(len(similarity))
            if self.k < len(similarity):
                nearest = np.argpartition(-similarity, self.k - 1)[: self.k]
            closeness = similarity[nearest].astype(np.float64)
            weights = np.exp((closeness - closeness.max()) * self.temperature)
            np.add.at(votes[row], classes[nearest], weights)
        sums = votes.sum(axis=1, keepdims=True)
        return np.divide(votes, sums, out=np.zeros_like(votes), where=sums > 0)

    def _similarities(self, query: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cosine of ``query`` to every example of ``labels``, and each example's label."""
        parts, classes = [], []
        for label in labels:
            start, end = self.starts[label], self.starts[label + 1]
            if end > start:
                parts.append(self.embeddings[start:end] @ query)
                classes.append(np.full(end - start, label))
        if not parts:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        return np.concatenate(parts), np.concatenate(classes)
