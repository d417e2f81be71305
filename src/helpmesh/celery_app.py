"""The Celery application used when HELPMESH_BROKER_URL names Redis or RabbitMQ."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

from helpmesh import config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")

app = Celery("helpmesh")
app.conf.update(
    # The same reading as settings.BROKER_URL (validated, may come from HELPMESH_BROKER_URL_FILE).
    broker_url=config.broker_url(),
    task_serializer="json",
    accept_content=["json"],
    task_acks_late=True,  # a worker killed mid-task leaves the task for another worker
    worker_prefetch_multiplier=1,
    task_default_queue="default",
    broker_connection_retry_on_startup=True,
)


@app.task(name="helpmesh.run_task")
def run_task(module_path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Import the django.tasks Task at ``module_path`` and run its function here."""
    import django

    django.setup()
    from django.utils.module_loading import import_string

    task = import_string(module_path)
    return task.call(*args, **kwargs)
