"""Automation's background tasks: webhook deliveries (retried with back-off) and time triggers.

``retry_webhooks`` and ``time_triggers`` are periodic: ``helpmesh routing sweep`` (cron) runs
them, ``helpmesh routing sweep --every 60`` enqueues them; each claims its rows atomically.
"""

from __future__ import annotations

from django.db.models import Q
from django_tasks import task

from helpmesh.automation import services, webhooks
from helpmesh.automation.models import DeliveryState, WebhookDelivery
from helpmesh.core import clock


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One signed POST attempt; a failure is rescheduled by ``retry_webhooks``."""
    return webhooks.attempt(delivery_id)


def due_deliveries() -> list[int]:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=clock.now())
    rows = WebhookDelivery.objects.filter(due, state=DeliveryState.PENDING)
    return list(rows.values_list("pk", flat=True)[:500])


@task()
def retry_webhooks() -> int:
    """Queue every pending delivery whose next attempt is due."""
    ids = due_deliveries()
    for pk in ids:
        deliver_webhook.enqueue(pk)
    return len(ids)


@task()
def time_triggers() -> int:
    """Fire time-based triggers whose conditions now hold."""
    return services.run_time_triggers()
