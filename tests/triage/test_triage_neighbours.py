"""The similar-examples vote (triage.neighbours) on hand-made unit vectors."""

from __future__ import annotations

import numpy as np
import pytest

from helpmesh.triage.neighbours import Neighbours

LABELS = ["card", "refund", "transfer"]
EVEN = np.full((1, 3), 1 / 3)  # the classifier has no preference: every label is a candidate


def unit(*rows: tuple[float, ...]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def neighbours(k: int = 3, temperature: float = 40.0, candidates: int = 3, limit: int = 100):
    examples = unit((1, 0, 0), (0, 1, 0), (1, 0.1, 0), (1, -0.1, 0), (0.1, 1, 0), (0, 0, 1))
    labels = ["card", "refund", "card", "card", "refund", "transfer"]
    return Neighbours.fit(
        examples,
        labels,
        LABELS,
        k=k,
        temperature=temperature,
        candidates=candidates,
        limit=limit,
    )


def test_the_nearest_examples_outvote_the_rest() -> None:
    votes = neighbours().vote(unit((1, 0.05, 0), (0.05, 1, 0)), np.vstack([EVEN, EVEN]))
    assert votes.argmax(axis=1).tolist() == [0, 1]
    assert np.allclose(votes.sum(axis=1), 1.0)


def test_closer_examples_weigh_more_the_higher_the_temperature() -> None:
    examples = unit((1, 0), (0.9, 0.44))  # cosines 1.0 and ~0.9 to the query (1, 0)
    query, even = np.array([[1.0, 0.0]], dtype=np.float32), np.full((1, 2), 0.5)
    options = {"k": 2, "candidates": 2, "limit": 10}
    sharp = Neighbours.fit(examples, ["a", "b"], ["a", "b"], temperature=40.0, **options)
    flat = Neighbours.fit(examples, ["a", "b"], ["a", "b"], temperature=0.0, **options)
    b = np.exp(40.0 * (float(examples[1] @ query[0]) - 1.0))
    assert sharp.vote(query, even)[0] == pytest.approx([1 / (1 + b), b / (1 + b)])
    assert flat.vote(query, even)[0] == pytest.approx([0.5, 0.5])


def test_more_voters_than_examples_lets_every_example_vote() -> None:
    votes = neighbours(k=50, temperature=0.0).vote(unit((1, 0, 0)), EVEN)
    assert votes[0] == pytest.approx([3 / 6, 2 / 6, 1 / 6])


def test_only_the_classifiers_likeliest_labels_vote() -> None:
    likely = np.array([[0.1, 0.3, 0.6]])  # card, the query's nearest, is the least likely
    votes = neighbours(k=3, candidates=2).vote(unit((1, 0.05, 0)), likely)
    assert votes[0, 0] == 0.0
    assert votes[0].sum() == pytest.approx(1.0)


def test_only_the_newest_examples_are_kept() -> None:
    kept = neighbours(limit=3)  # card (-0.1), refund, transfer
    assert kept.starts.tolist() == [0, 1, 2, 3]
    assert kept.vote(unit((0, 1, 0)), EVEN).argmax() == 1


def test_a_query_whose_candidate_labels_have_no_examples_gets_no_vote() -> None:
    kept = neighbours(limit=1, candidates=2)  # only the transfer example is left
    votes = kept.vote(unit((1, 0, 0)), np.array([[0.6, 0.4, 0.0]]))
    assert votes.tolist() == [[0.0, 0.0, 0.0]]
