"""The crowd layer's periodic task (settings.HELPMESH_PERIODIC_TASKS)."""

from __future__ import annotations

from django_tasks import task

from helpmesh.community import crowd


@task()
def escalate() -> int:
    """Escalate the community questions whose crowd time box has ended to staff."""
    return crowd.escalate_due()
