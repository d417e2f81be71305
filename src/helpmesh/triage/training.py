"""Training a triage model from labelled examples (CSV or resolved tickets)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from helpmesh.triage import outofscope
from helpmesh.triage.data import Examples
from helpmesh.triage.encoder import DEFAULT_ENCODER, Encoder
from helpmesh.triage.model import Meta, ModelError, TriageModel, mix, resolve_backend

# Picked on Banking77 dev (train_minus_dev -> dev); see docs/triage.md and bench/triage.py.
DEFAULT_C = {"lexical": 20.0, "hybrid": 20.0}
EMBED_WEIGHT = 3.0  # embedding columns vs TF-IDF; 1, 2, 3, 4, 5, 6 tried on dev
# Hybrid: the similar examples' vote (neighbours.py). Its share of the probabilities is chosen
# per training set on the held-out slice among NEIGHBOURS_WEIGHTS: Banking77 gains most near 0.4
# (5-fold cross-validation), CLINC150 loses in-scope accuracy above 0.2.
NEIGHBOURS_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
NEIGHBOURS_WEIGHT = 0.4  # when there are too few examples to hold any out
NEIGHBOURS_K = 10
NEIGHBOURS_TEMPERATURE = 40.0

Say = Callable[[str], None]


@dataclass
class TrainOptions:
    backend: str = "auto"
    out_of_scope_label: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    c: float | None = None
    encoder: str = DEFAULT_ENCODER
    neighbours_weight: float | None = None  # hybrid; None: chosen held out (_shares), 0: no vote


def _quiet(message: str) -> None:
    return None


def train(examples: Examples, options: TrainOptions, *, say: Say = _quiet) -> TriageModel:
    """Fit a model on every example. With the similar examples' vote or an out-of-scope label,
    first fit one on most of them and choose the vote's share and the threshold on the rest."""
    if len(set(examples.labels)) < 2:
        raise ModelError("training needs at least two different labels")
    backend = resolve_backend(options.backend)
    if options.neighbours_weight is not None and not 0 <= options.neighbours_weight <= 1:
        raise ModelError(
            f"the vote's share must be between 0 and 1, not {options.neighbours_weight}"
        )
    meta = Meta(
        backend=backend,
        labels=[],
        text_column=options.text_column,
        label_column=options.label_column,
        out_of_scope_label=options.out_of_scope_label,
        c=options.c or DEFAULT_C[backend],
        embed_weight=EMBED_WEIGHT,
        encoder=options.encoder,
        neighbours_k=NEIGHBOURS_K,
        neighbours_temperature=NEIGHBOURS_TEMPERATURE,
    )
    encoder, embeddings = None, None
    if backend == "hybrid":
        say(f"exporting the {options.encoder} all-MiniLM-L6-v2 encoder")
        encoder = Encoder.build(options.encoder)
        say(f"embedding {len(examples.texts)} texts")
        embeddings = encoder.embed(examples.texts)
    shares = _shares(backend, options)
    meta.neighbours_weight = NEIGHBOURS_WEIGHT if len(shares) > 1 else shares[0]
    if len(shares) > 1 or options.out_of_scope_label:
        _choose_on_held_out(examples, meta, shares, encoder, embeddings, say)
    say(f"fitting the {backend} model on {len(examples.texts)} examples")
    return TriageModel.fit(
        examples.texts, examples.labels, meta, encoder=encoder, embeddings=embeddings
    )


def _shares(backend: str, options: TrainOptions) -> tuple[float, ...]:
    """The vote's possible shares, chosen among on held-out examples when there are several.

    None without embeddings (on TF-IDF alone the vote scored 0.79 on Banking77); the one asked
    for; none with an out-of-scope label (the vote makes answers surer near any similar example,
    out-of-scope queries too: on CLINC150 it cost out-of-scope recall, 0.66 -> 0.56, for +0.2
    points in scope); else NEIGHBOURS_WEIGHTS."""
    if backend != "hybrid":
        return (0.0,)
    if options.neighbours_weight is not None:
        return (options.neighbours_weight,)
    return (0.0,) if options.out_of_scope_label else NEIGHBOURS_WEIGHTS


def _choose_on_held_out(
    examples: Examples,
    meta: Meta,
    weights: Sequence[float],
    encoder: Encoder | None,
    embeddings: np.ndarray | None,
    say: Say,
) -> None:
    """Set ``meta``'s vote share (one of ``weights``) and out-of-scope threshold from a model
    fitted on most examples and scored on the rest; too few examples keep the defaults."""
    held = _held_out(examples, meta, encoder, embeddings, say)
    if held is None:
        return
    meta.neighbours_weight, meta.threshold = _choose(held, weights, meta.out_of_scope_label)
    if meta.backend == "hybrid":
        say(f"the similar examples' vote: {meta.neighbours_weight:.0%} of the probabilities")
    if meta.out_of_scope_label:
        say(f"out-of-scope threshold {meta.threshold:.3f}")


@dataclass
class HeldOut:
    """A model fitted on most examples, scored on the rest (``outofscope.holdout_split``)."""

    labels: list[str]  # the columns of ``linear`` and ``vote``
    linear: np.ndarray  # the classifier's probabilities
    vote: np.ndarray | None  # the similar examples' vote (hybrid)
    truth: list[str]

    def predicted(self, probabilities: np.ndarray) -> list[str]:
        return [self.labels[i] for i in probabilities.argmax(axis=1)]


def _held_out(
    examples: Examples,
    meta: Meta,
    encoder: Encoder | None,
    embeddings: np.ndarray | None,
    say: Say,
) -> HeldOut | None:
    """Fit on most of the data and score the held-out rest (None: too few to hold any out)."""
    fit_rows, held_rows = outofscope.holdout_split(examples.labels)
    if not held_rows:
        say("too few examples to hold any out: no out-of-scope threshold, the default vote")
        return None
    say(f"fitting on {len(fit_rows)} examples to score {len(held_rows)} held out")
    texts, labels = examples.texts, examples.labels
    part = TriageModel.fit(
        [texts[i] for i in fit_rows],
        [labels[i] for i in fit_rows],
        # Any share above 0 keeps the examples to vote; the share itself is chosen below.
        replace(
            meta, labels=[], threshold=0.0, neighbours_weight=1.0 if embeddings is not None else 0.0
        ),
        encoder=encoder,
        embeddings=embeddings[fit_rows] if embeddings is not None else None,
    )
    held_texts = [texts[i] for i in held_rows]
    held_embeddings = embeddings[held_rows] if embeddings is not None else None
    linear, vote = part.components(held_texts, held_embeddings)
    return HeldOut(part.meta.labels, linear, vote, [labels[i] for i in held_rows])


def _choose(
    held: HeldOut, weights: Sequence[float], out_of_scope_label: str | None
) -> tuple[float, float]:
    """The vote's share and the out-of-scope threshold (0 without a label) that get the most
    held-out examples right, chosen together; on a tie, the smaller share.

    Without an out-of-scope label a held-out example is right when its best label is; with one,
    by ``outofscope.choose_threshold``'s rule (a vote that makes answers surer can cost
    out-of-scope recall, so the share is judged with its own best threshold)."""
    truth = np.array(held.truth)
    best, best_right = (0.0, 0.0), -1
    for weight in weights:
        probabilities = mix(held.linear, held.vote, weight)
        predicted = held.predicted(probabilities)
        threshold, right = 0.0, int((np.array(predicted) == truth).sum())
        if out_of_scope_label:
            threshold, right = outofscope.best_threshold(
                probabilities.max(axis=1), predicted, held.truth, out_of_scope_label
            )
        if right > best_right:
            best, best_right = (weight, threshold), right
    return best
