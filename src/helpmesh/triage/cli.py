"""``helpmesh triage train|predict|evaluate``: train and use a triage model from CSV or history."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console(stderr=True)


def add_triage_commands(sub: Any) -> None:
    """Register the ``triage`` command group on the top-level parser."""
    triage = sub.add_parser("triage", help="learn intent/team from history; predict; evaluate")
    triage_sub = triage.add_subparsers(dest="triage_command", required=True)
    train = triage_sub.add_parser("train", help="train a model from a CSV file or resolved tickets")
    source = train.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="CSV file with a text and a label column")
    source.add_argument("--from-db", action="store_true", help="learn from resolved tickets")
    train.add_argument("--model", help="output folder (default: the configured model folder)")
    train.add_argument("--text-column", default="text")
    train.add_argument("--label-column", default="label")
    train.add_argument("--out-of-scope-label", help="label for queries the model should not answer")
    train.add_argument("--backend", default="auto", choices=["auto", "lexical", "hybrid"])
    train.add_argument(
        "--encoder", default="float", choices=["float", "int8"], help="hybrid: int8 is faster"
    )
    train.add_argument(
        "--label-field", help="with --from-db: learn this custom field, not the team"
    )
    train.set_defaults(func=cmd_train)
    retrain = triage_sub.add_parser("retrain", help="enqueue retraining from resolved tickets")
    retrain.add_argument("--label-field", help="learn this custom field instead of the team")
    retrain.set_defaults(func=cmd_retrain)
    predict = triage_sub.add_parser("predict", help="label every row of a CSV file")
    predict.add_argument("--model", required=True)
    predict.add_argument("--data", required=True)
    predict.add_argument("--out", required=True)
    predict.add_argument("--text-column", help="default: the column the model was trained on")
    predict.add_argument("--out-of-scope-label", help="override the label the model was given")
    predict.set_defaults(func=cmd_predict)
    evaluate = triage_sub.add_parser("evaluate", help="score a model on a labelled CSV file")
    evaluate.add_argument("--model", required=True)
    evaluate.add_argument("--data", required=True)
    evaluate.add_argument("--text-column", help="default: the column the model was trained on")
    evaluate.add_argument("--label-column", help="default: the column the model was trained on")
    evaluate.set_defaults(func=cmd_evaluate)


def cmd_train(args: argparse.Namespace) -> int:
    from helpmesh.triage import data, services
    from helpmesh.triage.model import ModelError
    from helpmesh.triage.training import TrainOptions, train

    options = TrainOptions(
        args.backend, args.out_of_scope_label, args.text_column, args.label_column
    )
    options.encoder = args.encoder
    folder = args.model or str(services.default_model_dir())
    started = time.perf_counter()
    try:
        with console.status("training") as status:
            if args.from_db:
                model = services.train_from_db(
                    folder, options, label_field=args.label_field, say=_say(status)
                )
            else:
                examples = data.read_examples(
                    args.data,
                    text_column=args.text_column,
                    label_column=args.label_column,
                    labelled=True,
                )
                model = train(examples, options, say=_say(status))
                services.publish(Path(folder), model)
    except (data.DataError, ModelError) as exc:
        console.print(f"[red]cannot train:[/red] {exc}")
        return 1
    elapsed = time.perf_counter() - started
    console.print(
        f"[green]trained[/green] {model.meta.backend} model on {model.meta.trained_examples} "
        f"examples, {len(model.meta.labels)} labels, in {elapsed:.1f}s -> {folder}"
    )
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    from helpmesh.triage import tasks

    result = tasks.retrain.enqueue(label_field=args.label_field, force=True)
    console.print(f"enqueued triage retraining ({result.id}); a worker will run it")
    return 0


def _say(status: Any) -> Any:
    def say(message: str) -> None:
        console.log(message)
        status.update(message)

    return say


def cmd_predict(args: argparse.Namespace) -> int:
    from helpmesh.triage import data
    from helpmesh.triage.model import ModelError, TriageModel

    try:
        model = TriageModel.load(args.model)
        if args.out_of_scope_label:
            model.meta.out_of_scope_label = args.out_of_scope_label
        examples = data.read_examples(
            args.data, text_column=args.text_column or model.meta.text_column, labelled=False
        )
    except (data.DataError, ModelError) as exc:
        console.print(f"[red]cannot predict:[/red] {exc}")
        return 1
    predictions = _predict_in_batches(model, examples.texts)
    data.write_predictions(
        args.out,
        args.data,
        [p.label for p in predictions],
        [p.confidence for p in predictions],
    )
    console.print(f"wrote {len(predictions)} predictions to {args.out}")
    return 0


def _predict_in_batches(model: Any, texts: list[str], size: int = 256) -> list[Any]:
    from rich.progress import track

    out: list[Any] = []
    for start in track(range(0, len(texts), size), description="predicting", console=console):
        out.extend(model.predict(texts[start : start + size]))
    return out


def cmd_evaluate(args: argparse.Namespace) -> int:
    from helpmesh.triage import data, metrics
    from helpmesh.triage.model import ModelError, TriageModel

    try:
        model = TriageModel.load(args.model)
        examples = data.read_examples(
            args.data,
            text_column=args.text_column or model.meta.text_column,
            label_column=args.label_column or model.meta.label_column,
            labelled=True,
        )
    except (data.DataError, ModelError) as exc:
        console.print(f"[red]cannot evaluate:[/red] {exc}")
        return 1
    predicted = [p.label for p in _predict_in_batches(model, examples.texts)]
    _print_report(metrics.score(examples.labels, predicted))
    return 0


def _print_report(report: Any) -> None:
    print(f"rows      {report.rows}")
    print(f"accuracy  {report.accuracy:.4f}")
    print(f"macro-F1  {report.macro_f1:.4f}")
    print()
    print(report.per_class)
    print("most confused (true -> predicted: count)")
    for true, predicted, count in report.confused:
        print(f"  {true} -> {predicted}: {count}")
