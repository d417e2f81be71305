"""``helpmesh triage train|predict|evaluate`` round trip on the Banking77 sample."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpmesh.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_train_predict_evaluate_round_trip(tmp_path: Path, capsys) -> None:
    folder, out = tmp_path / "model", tmp_path / "out.csv"
    train = ["triage", "train", "--data", str(FIXTURES / "banking_train.csv")]
    assert main([*train, "--model", str(folder), "--backend", "lexical"]) == 0
    test = str(FIXTURES / "banking_test.csv")
    assert (
        main(["triage", "predict", "--model", str(folder), "--data", test, "--out", str(out)]) == 0
    )
    rows = _rows(out)
    assert list(rows[0]) == ["text", "category", "predicted_label", "predicted_confidence"]
    assert len(rows) == 80 and all(0 < float(r["predicted_confidence"]) <= 1 for r in rows)
    capsys.readouterr()
    assert main(["triage", "evaluate", "--model", str(folder), "--data", test]) == 0
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "macro-F1" in printed and "most confused" in printed
    accuracy = float(printed.split("accuracy")[1].split()[0])
    assert accuracy >= 0.75


def test_custom_columns_and_the_out_of_scope_label(tmp_path: Path) -> None:
    source = _rows(FIXTURES / "banking_train.csv")
    data = tmp_path / "tickets.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "queue"])
        writer.writerows([r["text"], r["label"]] for r in source)
        writer.writerows([[f"what is the weather in city {n}", "none"] for n in range(10)])
    folder, out = tmp_path / "model", tmp_path / "out.csv"
    args = ["--text-column", "body", "--label-column", "queue", "--out-of-scope-label", "none"]
    train = ["triage", "train", "--data", str(data), "--model", str(folder), "--backend", "lexical"]
    assert main([*train, *args]) == 0
    query = tmp_path / "query.csv"
    query.write_text("body\nwhat is the weather in city 42\nmy card has still not arrived\n")
    assert (
        main(["triage", "predict", "--model", str(folder), "--data", str(query), "--out", str(out)])
        == 0
    )
    labels = [r["predicted_label"] for r in _rows(out)]
    assert labels[0] == "none" and labels[1] != "none"


def test_predict_never_overwrites_an_input_column(tmp_path: Path) -> None:
    folder, out = tmp_path / "model", tmp_path / "out.csv"
    train = ["triage", "train", "--data", str(FIXTURES / "banking_train.csv")]
    assert main([*train, "--model", str(folder), "--backend", "lexical"]) == 0
    query = tmp_path / "query.csv"
    query.write_text(
        "id,text,label,predicted_label\n"
        "7,my card has still not arrived,mine,earlier run\n"
        "8,what is the exchange rate,theirs,earlier run\n"
    )
    command = ["triage", "predict", "--model", str(folder), "--data", str(query)]
    assert main([*command, "--out", str(out)]) == 0
    rows = _rows(out)
    assert list(rows[0]) == [
        "id",
        "text",
        "label",
        "predicted_label",
        "predicted_label_2",
        "predicted_confidence",
    ]
    assert [(r["id"], r["label"], r["predicted_label"]) for r in rows] == [
        ("7", "mine", "earlier run"),
        ("8", "theirs", "earlier run"),
    ]
    assert all(r["predicted_label_2"] and float(r["predicted_confidence"]) > 0 for r in rows)


def test_a_missing_label_column_is_a_clear_error(tmp_path: Path, capsys) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("text,a,b\nhello,1,2\n")
    assert main(["triage", "train", "--data", str(data), "--model", str(tmp_path / "m")]) == 1
    assert "no 'label' column" in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_missing_model_is_a_clear_error(tmp_path: Path, command: str, capsys) -> None:
    args = [
        "triage",
        command,
        "--model",
        str(tmp_path),
        "--data",
        str(FIXTURES / "banking_test.csv"),
    ]
    if command == "predict":
        args += ["--out", str(tmp_path / "out.csv")]
    assert main(args) == 1
    assert "cannot read a triage model" in " ".join(capsys.readouterr().err.split())
