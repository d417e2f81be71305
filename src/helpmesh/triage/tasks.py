"""Background retraining from resolved tickets.

Scheduled through core.scheduler: ``"helpmesh.triage.tasks.retrain": 86400`` in
HELPMESH_PERIODIC_TASKS. The scheduler enqueues every task once when a worker starts, so a
scheduled run skips while the model is younger than HELPMESH_TRIAGE_RETRAIN_HOURS (default 20);
``helpmesh triage retrain`` enqueues a forced run.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django_tasks import task

from helpmesh.triage import services
from helpmesh.triage.model import ModelError
from helpmesh.triage.training import TrainOptions

log = logging.getLogger(__name__)


def _fresh_enough() -> bool:
    hours = float(getattr(settings, "HELPMESH_TRIAGE_RETRAIN_HOURS", 20))
    meta = services.default_model_dir() / "meta.json"
    return meta.exists() and time.time() - meta.stat().st_mtime < hours * 3600


@task()
def retrain(label_field: str | None = None, force: bool = False) -> str:
    """Retrain the configured model from resolved tickets and swap it in."""
    if not force and _fresh_enough():
        return "skipped: the model is recent"
    folder = services.default_model_dir()
    try:
        model = services.train_from_db(
            folder, TrainOptions(), label_field=label_field, say=log.info
        )
    except ModelError as exc:
        log.warning("triage retrain skipped: %s", exc)
        return f"skipped: {exc}"
    return f"trained on {model.meta.trained_examples} tickets, {len(model.meta.labels)} labels"
