"""Labelled text in and predictions out: the CSV side of triage."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Tried in order when the asked-for label column is missing (Banking77 says "category").
LABEL_FALLBACKS = ("label", "category", "intent", "team", "class")


class DataError(ValueError):
    """The input file cannot be read as labelled text (a user mistake, not a fault)."""


@dataclass
class Examples:
    """Texts and, when known, their labels (same length)."""

    texts: list[str]
    labels: list[str]


def _open_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def pick_label_column(header: Sequence[str], wanted: str, text_column: str) -> str | None:
    """``wanted`` if present, else a common label column name, else the only other column."""
    if wanted in header:
        return wanted
    for name in LABEL_FALLBACKS:
        if name in header:
            return name
    others = [name for name in header if name != text_column]
    return others[0] if len(others) == 1 else None


def read_examples(
    path: str | Path, *, text_column: str = "text", label_column: str = "label", labelled: bool
) -> Examples:
    """Read ``path``; with ``labelled`` every row must have a non-empty label."""
    header, rows = _open_rows(Path(path))
    if text_column not in header and "text" in header:
        text_column = "text"  # a model trained on another column still reads plain files
    if text_column not in header:
        raise DataError(f"{path}: no {text_column!r} column (columns: {', '.join(header)})")
    column = pick_label_column(header, label_column, text_column)
    if labelled and column is None:
        raise DataError(f"{path}: no {label_column!r} column (columns: {', '.join(header)})")
    texts = [(row.get(text_column) or "").strip() for row in rows]
    labels = [(row.get(column) or "").strip() for row in rows] if column else []
    if labelled and any(not label for label in labels):
        raise DataError(f"{path}: some rows have an empty {column!r}")
    return Examples(texts, labels)


def write_predictions(
    path: str | Path, source: str | Path, labels: Sequence[str], confidences: Sequence[float]
) -> None:
    """Every row of ``source`` with its prediction added (confidence rounded to 4 places).

    The new columns are ``predicted_label`` and ``predicted_confidence``, suffixed ``_2``, ``_3``...
    when the input has them already: no input column (a true ``label``, say) is ever overwritten.
    """
    header, rows = _open_rows(Path(source))
    label_column = free_column(header, "predicted_label")
    confidence_column = free_column([*header, label_column], "predicted_confidence")
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        fields = [*header, label_column, confidence_column]
        writer = csv.DictWriter(handle, fields, extrasaction="ignore")  # drops unnamed extras
        writer.writeheader()
        for row, label, confidence in zip(rows, labels, confidences, strict=True):
            writer.writerow({**row, label_column: label, confidence_column: f"{confidence:.4f}"})


def free_column(header: Sequence[str], name: str) -> str:
    """``name``, or ``name_2``, ``name_3``... if ``header`` already has it."""
    taken, candidate, n = set(header), name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate
