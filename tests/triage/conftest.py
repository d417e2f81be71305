"""Shared triage fixtures: a small real sample of Banking77 and a lexical model trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpmesh.triage import data
from helpmesh.triage.model import TriageModel
from helpmesh.triage.training import TrainOptions, train

FIXTURES = Path(__file__).parent / "fixtures"
TRAIN_CSV = FIXTURES / "banking_train.csv"
TEST_CSV = FIXTURES / "banking_test.csv"
OUT_OF_SCOPE = [
    "what is the weather like in paris tomorrow",
    "play some jazz music please",
    "how many calories are in a banana",
    "tell me a joke about cats",
    "who won the football match last night",
    "set an alarm for seven in the morning",
    "translate good morning into spanish",
    "what is the capital of australia",
    "book me a table for two at an italian restaurant",
    "how tall is mount everest",
]


@pytest.fixture
def with_out_of_scope() -> data.Examples:
    """The Banking77 sample plus ten everyday off-topic questions labelled ``oos``."""
    examples = data.read_examples(TRAIN_CSV, labelled=True)
    return data.Examples(
        examples.texts + OUT_OF_SCOPE, examples.labels + ["oos"] * len(OUT_OF_SCOPE)
    )


@pytest.fixture(scope="session")
def lexical_model() -> TriageModel:
    """A lexical model on the sample (about a second to train)."""
    return train(data.read_examples(TRAIN_CSV, labelled=True), TrainOptions(backend="lexical"))


@pytest.fixture
def model_dir(tmp_path: Path, lexical_model: TriageModel) -> Path:
    """The lexical model saved to a fresh folder."""
    return lexical_model.save(tmp_path / "triage-model")
