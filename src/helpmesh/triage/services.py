"""Triage's domain operations: where the model lives, training from history, classifying."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path

from django.conf import settings

from helpmesh import config
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket
from helpmesh.triage import fields, history
from helpmesh.triage.model import ModelError, Prediction, TriageModel
from helpmesh.triage.training import Say, TrainOptions, train

log = logging.getLogger(__name__)
PRIORITY_FOLDER = "priority"  # the optional priority model, inside the main model folder
MIN_PRIORITY_EXAMPLES = 20

_lock = threading.Lock()
_loaded: dict[Path, tuple[int, TriageModel, TriageModel | None]] = {}


def default_model_dir() -> Path:
    """``HELPMESH_TRIAGE_MODEL`` (setting or environment), else ``$HELPMESH_HOME/triage-model``."""
    chosen = getattr(settings, "HELPMESH_TRIAGE_MODEL", None) or config.env("HELPMESH_TRIAGE_MODEL")
    # settings.HOME, resolved once at start: this runs for every new ticket.
    return Path(chosen) if chosen else Path(settings.HOME) / "triage-model"


def configured_model() -> tuple[TriageModel, TriageModel | None] | None:
    """The (intent, priority) models in the model folder, or None when none was trained.

    Loaded once per process and again when the folder's ``meta.json`` changes (a retrain).
    """
    folder = default_model_dir()
    try:
        stamp = (folder / "meta.json").stat().st_mtime_ns
    except OSError:
        return None
    with _lock:
        cached = _loaded.get(folder)
        if cached is None or cached[0] != stamp:
            priority_folder = folder / PRIORITY_FOLDER
            priority = TriageModel.load(priority_folder) if priority_folder.is_dir() else None
            cached = (stamp, TriageModel.load(folder), priority)
            _loaded[folder] = cached
    return cached[1], cached[2]


def classify_ticket(ticket: Ticket, text: str) -> Prediction | None:
    """Write intent (and suggested priority) with confidences into the ticket's custom fields."""
    models = configured_model()
    if models is None:
        return None
    intent_model, priority_model = models
    intent = intent_model.predict([text])[0]
    values: dict[str, object] = {
        "intent": intent.label,
        "intent_confidence": round(intent.confidence, 4),
    }
    if priority_model is not None:
        priority = priority_model.predict([text])[0]
        values["priority_suggestion"] = priority.label
        values["priority_confidence"] = round(priority.confidence, 4)
    fields.ensure_fields(ticket.team_id)
    tickets.update_ticket(
        ticket, tickets.TicketChanges(custom_fields=values), actor=None, reason="triage"
    )
    return intent


def train_from_db(
    folder: str | Path, options: TrainOptions, *, label_field: str | None = None, say: Say
) -> TriageModel:
    """Train on resolved tickets and replace the model in ``folder`` in one step."""
    labelled, by_priority = history.resolved_examples(label_field)
    say(f"{len(labelled.texts)} resolved tickets with a label, {len(set(labelled.labels))} labels")
    if len(labelled.texts) < 2:
        raise ModelError("not enough resolved tickets with a label to learn from")
    model = train(labelled, options, say=say)
    priority = None
    if len(by_priority.texts) >= MIN_PRIORITY_EXAMPLES and len(set(by_priority.labels)) > 1:
        say("training the priority model")
        priority = train(by_priority, TrainOptions(backend=model.meta.backend), say=say)
    publish(Path(folder), model, priority)
    fields.ensure_fields()
    return model


def publish(folder: Path, model: TriageModel, priority: TriageModel | None = None) -> None:
    """Write the models beside ``folder`` and swap them in, so readers never see half a model."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}.new-", dir=folder.parent))
    model.save(staging)
    if priority is not None:
        priority.save(staging / PRIORITY_FOLDER)
    retired = staging.with_name(staging.name.replace(".new-", ".old-"))
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
