"""The model on its own: fit, predict, out-of-scope rule, save and load, lexical fallback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpmesh.triage import data, features, outofscope, training
from helpmesh.triage.model import ModelError, TriageModel, resolve_backend
from helpmesh.triage.training import HeldOut, TrainOptions, _choose, train

TEST_CSV = Path(__file__).parent / "fixtures" / "banking_test.csv"


def test_the_lexical_model_learns_the_sample(lexical_model: TriageModel) -> None:
    test = data.read_examples(TEST_CSV, labelled=True)  # header says "category": found anyway
    predicted = [p.label for p in lexical_model.predict(test.texts)]
    accuracy = np.mean([p == t for p, t in zip(predicted, test.labels, strict=True)])
    assert accuracy >= 0.75
    assert all(0 < p.confidence <= 1 for p in lexical_model.predict(test.texts))


def test_a_saved_model_loads_and_predicts_the_same(
    lexical_model: TriageModel, model_dir: Path
) -> None:
    loaded = TriageModel.load(model_dir)
    texts = data.read_examples(TEST_CSV, labelled=True).texts
    assert loaded.meta == lexical_model.meta
    assert loaded.predict(texts) == lexical_model.predict(texts)


def test_loading_a_folder_without_a_model_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read a triage model"):
        TriageModel.load(tmp_path)


def test_out_of_scope_queries_get_the_out_of_scope_label(
    with_out_of_scope: data.Examples,
) -> None:
    options = TrainOptions(backend="lexical", out_of_scope_label="oos")
    model = train(with_out_of_scope, options)
    assert model.meta.out_of_scope_label == "oos"
    said = model.predict(["what is the weather like in london today", "play some rock music"])
    assert [p.label for p in said] == ["oos", "oos"]
    assert model.predict(["I still have not received my new card"])[0].label != "oos"


def test_the_threshold_is_chosen_to_score_best_on_held_out_rows() -> None:
    confidences = np.array([0.9, 0.8, 0.3, 0.2])
    predicted = ["a", "b", "a", "b"]
    truth = ["a", "b", "oos", "oos"]
    assert outofscope.choose_threshold(confidences, predicted, truth, "oos") == 0.8


def test_without_out_of_scope_examples_wrong_answers_stand_in_for_them() -> None:
    confidences = np.array([0.95, 0.9, 0.4, 0.35])
    predicted = ["a", "b", "a", "b"]
    truth = ["a", "b", "b", "a"]
    assert outofscope.choose_threshold(confidences, predicted, truth, "oos") == 0.9


def test_the_holdout_split_is_stratified_and_reproducible() -> None:
    labels = ["a"] * 20 + ["b"] * 10 + ["c"] * 2
    fit, held = outofscope.holdout_split(labels)
    assert sorted(fit + held) == list(range(len(labels)))
    assert [labels[i] for i in held].count("a") == 3 and "c" not in [labels[i] for i in held]
    assert outofscope.holdout_split(labels) == (fit, held)


def test_auto_falls_back_to_lexical_without_the_ml_extra(monkeypatch) -> None:
    monkeypatch.setattr(features, "embeddings_available", lambda: False)
    assert resolve_backend("auto") == "lexical"
    with pytest.raises(ModelError, match="ml extra"):
        resolve_backend("hybrid")


def test_triage_imports_without_torch() -> None:
    code = (
        "import sys; import helpmesh.triage.model, helpmesh.triage.training, "
        "helpmesh.triage.cli; assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_plain_text_column_is_read_when_the_trained_one_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("text\nmy card has not arrived\n", encoding="utf-8")
    examples = data.read_examples(path, text_column="body", labelled=False)
    assert examples.texts == ["my card has not arrived"] and examples.labels == []


def test_a_folder_saved_in_an_older_format_asks_to_train_again(model_dir: Path) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    (model_dir / "meta.json").write_text(json.dumps({**meta, "format": 1}), encoding="utf-8")
    with pytest.raises(ModelError, match=r"model format 1, .* train it again"):
        TriageModel.load(model_dir)


def test_a_lexical_folder_holds_no_encoder(model_dir: Path) -> None:
    assert sorted(p.name for p in model_dir.iterdir()) == ["meta.json", "model.joblib"]
    assert TriageModel.load(model_dir).encoder is None


def test_the_fast_tfidf_gives_what_scikit_learn_gives(lexical_model: TriageModel) -> None:
    texts = [*data.read_examples(TEST_CSV, labelled=True).texts, "", "zzqx unseen words"]
    for vectorizer in (lexical_model.vectorizer.words, lexical_model.vectorizer.chars):
        fast, reference = features._tfidf(vectorizer, texts), vectorizer.transform(texts)
        assert fast.shape == reference.shape
        assert abs(fast - reference).max() < 1e-12


def test_probabilities_are_the_classifiers_own(lexical_model: TriageModel) -> None:
    texts = data.read_examples(TEST_CSV, labelled=True).texts
    expected = lexical_model.classifier.predict_proba(lexical_model.design(texts))
    assert np.allclose(lexical_model.probabilities(texts), expected, atol=1e-12)


def test_a_two_label_model_predicts_either_label() -> None:
    texts = ["my card has not arrived", "where is my card", "refund my payment", "I want a refund"]
    labels = ["card", "card", "refund", "refund"]
    model = train(data.Examples(texts, labels), TrainOptions("lexical"))
    said = model.predict(["card not arrived", "a refund please"])
    assert [p.label for p in said] == ["card", "refund"]
    assert all(0.5 <= p.confidence <= 1 for p in said)


def test_the_votes_share_is_the_one_with_the_most_right_answers_held_out() -> None:
    # The classifier gets row 1 wrong and the vote gets it right; the vote gets row 2 wrong.
    linear = np.array([[0.9, 0.1], [0.45, 0.55], [0.7, 0.3]])
    vote = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    weights = training.NEIGHBOURS_WEIGHTS
    helps = HeldOut(["a", "b"], linear, vote, ["a", "a", "a"])
    assert _choose(helps, weights, None) == (0.1, 0.0)  # fixes row 1, too little to break row 2
    hurts = HeldOut(["a", "b"], linear, vote, ["a", "b", "a"])
    assert _choose(hurts, weights, None) == (0.0, 0.0)
    assert _choose(HeldOut(["a", "b"], linear, None, ["a", "a", "a"]), weights, None)[0] == 0.0


def test_with_an_out_of_scope_label_the_share_is_judged_with_its_own_threshold() -> None:
    # Row 2 is out of scope: the classifier is less sure of it (0.55) than of the in-scope row 1
    # (0.6), but the vote is sure of it and unsure of row 1: any share of the vote makes row 2
    # the surer of the two, and no threshold can then withhold it alone.
    linear = np.array([[0.9, 0.1], [0.4, 0.6], [0.55, 0.45]])
    vote = np.array([[1.0, 0.0], [0.5, 0.5], [1.0, 0.0]])
    held = HeldOut(["a", "b"], linear, vote, ["a", "b", "oos"])
    assert _choose(held, training.NEIGHBOURS_WEIGHTS, "oos") == (0.0, pytest.approx(0.6))
    assert _choose(held, training.NEIGHBOURS_WEIGHTS, None)[0] == 0.0  # a tie: the smaller


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_vote_share_outside_0_to_1_is_a_clear_error(share: float) -> None:
    examples = data.read_examples(TEST_CSV, labelled=True)
    with pytest.raises(ModelError, match=f"between 0 and 1, not {share}"):
        train(examples, TrainOptions(backend="lexical", neighbours_weight=share))
