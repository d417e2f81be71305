"""``helpmesh worker``: the embedded database-queue worker, or Celery when a broker is set."""

from __future__ import annotations

import threading

from django.conf import settings
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks.utils import get_random_id
from django_tasks_db.management.commands.db_worker import Worker

from helpmesh.core import scheduler


def database_worker(*, interval: float = 0.5) -> Worker:
    """A worker over the database queue (the embedded default)."""
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_id(),
        excluded_queue_names=[],
    )


def start_in_thread() -> threading.Thread:
    """Run the database worker and the scheduler beside the web server (the demo does this)."""
    thread = threading.Thread(target=database_worker().run, name="helpmesh-worker", daemon=True)
    thread.start()
    scheduler.start_in_thread()
    return thread


def run(*, concurrency: int = 2, schedule: bool = True) -> int:
    """Run until stopped: Celery when HELPMESH_BROKER_URL is set, else the database worker.

    With ``schedule`` the periodic tasks (core.scheduler) are enqueued from this process too.
    """
    if schedule:
        scheduler.start_in_thread()
    if settings.BROKER_URL:
        from helpmesh.celery_app import app

        app.worker_main(
            ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "--queues=default"]
        )
        return 0
    worker = database_worker()
    worker.configure_signals()
    worker.run()
    return 0
