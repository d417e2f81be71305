"""Routing's background tasks: module-level functions the worker runs.

django-tasks has no scheduler, so something must enqueue these periodically: ``helpmesh routing
sweep --every 60`` (a tiny loop that enqueues ``sweep`` each minute) or cron calling ``helpmesh
routing sweep`` once. Each sweep claims its rows atomically, so overlapping runs are safe.
"""

from __future__ import annotations

from django_tasks import task

from helpmesh.routing import sweeps


@task()
def sweep() -> dict[str, int]:
    """Run every routing sweep once (absences, SLA, hand-offs, escalation, waiting tickets)."""
    return sweeps.run_all()


@task()
def check_slas() -> dict[str, int]:
    """Only the SLA warnings and breaches."""
    from helpmesh.routing import sla_sweep

    return sla_sweep.check_due()
