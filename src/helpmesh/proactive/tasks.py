"""Proactive support's background work: due monitor checks (periodic, HELPMESH_PERIODIC_TASKS)
and incident notices to affected customers and subscribers."""

from __future__ import annotations

from django_tasks import task

from helpmesh.proactive import monitors, outreach
from helpmesh.proactive.models import Incident


@task()
def run_monitors() -> dict[str, int]:
    """Run every due monitor check once (rows are claimed: overlapping runs are safe)."""
    return monitors.run_due()


@task()
def notify_customers(incident_id: int, kind: str) -> dict[str, int]:
    """Email affected customers and status subscribers that an incident opened or resolved."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return {"customers": 0, "subscribers": 0}
    return {
        "customers": outreach.notify_customers(incident, kind),
        "subscribers": outreach.notify_subscribers(incident, kind),
    }
