"""The Celery backend for Django's task API (``django.tasks`` via the django-tasks backport).

Code enqueues with ``some_task.enqueue(...)`` whatever runs it: the database queue when embedded,
the immediate backend in tests, Celery on Redis or RabbitMQ at scale (docs/adr/0003-task-queue.md).
Celery carries only the task's import path and JSON arguments; the worker imports and calls the
very same module-level function.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id, normalize_json

RUN_TASK = "helpmesh.run_task"


class CeleryBackend(BaseTaskBackend):
    """Sends each task to the Celery broker once the enqueuing transaction commits."""

    supports_defer = True
    supports_priority = False

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=normalize_json(args),
            kwargs=normalize_json(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # After commit: a worker must never pick up a task about rows it cannot see yet.
        transaction.on_commit(lambda: self._send(result), robust=False)
        return result

    def _send(self, result: TaskResult) -> None:
        from helpmesh.celery_app import app

        object.__setattr__(result, "enqueued_at", timezone.now())
        app.send_task(
            RUN_TASK,
            args=[result.task.module_path, result.args, result.kwargs],
            task_id=result.id,
            queue=result.task.queue_name,
            eta=result.task.run_after,
        )
