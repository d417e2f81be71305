"""The hybrid backend (TF-IDF beside MiniLM embeddings); skipped without the ``ml`` extra."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpmesh.triage import data, features
from helpmesh.triage.model import TriageModel
from helpmesh.triage.training import TrainOptions, train

pytestmark = pytest.mark.skipif(
    not features.embeddings_available(), reason="needs the ml extra (sentence-transformers)"
)
FIXTURES = Path(__file__).parent / "fixtures"


def test_the_hybrid_model_trains_saves_and_loads(tmp_path: Path) -> None:
    examples = data.read_examples(FIXTURES / "banking_train.csv", labelled=True)
    model = train(examples, TrainOptions(backend="auto"))
    assert model.meta.backend == "hybrid"
    test = data.read_examples(FIXTURES / "banking_test.csv", labelled=True)
    predicted = [p.label for p in TriageModel.load(model.save(tmp_path / "m")).predict(test.texts)]
    right = sum(p == t for p, t in zip(predicted, test.labels, strict=True))
    assert right / len(test.labels) >= 0.85
