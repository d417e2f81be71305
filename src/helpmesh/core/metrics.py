"""Prometheus metrics (prometheus-client): what happens in this process, and the backlogs.

Two kinds:

- Events counted where they happen: request latency by route (``RequestMetrics``, a
  middleware), task failures and retries (signals of django-tasks and Celery, connected by
  ``connect_task_signals``). They live in the process that saw them; with several processes set
  ``PROMETHEUS_MULTIPROC_DIR`` and every process on the machine writes them to that folder, where
  ``/metrics`` adds them up (prometheus-client's multiprocess mode).
- Backlogs read from the database and the broker when scraped (``Backlogs``): quarantined
  inbound contacts, outbound mail waiting or failed, open tickets past an SLA, the task queue's
  depth. The same answer from every process, so they need no multiprocess mode.

The kernel imports no other app: the backlog queries name their models through the app
registry and skip an app that is not installed.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

# This process's own metrics; in multiprocess mode their values also go to the shared folder.
LOCAL = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "helpmesh_http_request_duration_seconds",
    "Time to answer an HTTP request, by route (the URL pattern, not the path).",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=LOCAL,
)
REQUESTS = Counter(
    "helpmesh_http_requests",
    "HTTP requests answered, by route and status class (2xx, 4xx, 5xx).",
    ["method", "route", "status"],
    registry=LOCAL,
)
TASK_FAILURES = Counter(
    "helpmesh_task_failures",
    "Background tasks that raised, by task (database queue, inline or Celery).",
    ["task"],
    registry=LOCAL,
)
TASK_RETRIES = Counter(
    "helpmesh_task_retries",
    "Background tasks run again: a Celery retry, or a redelivery after a worker died mid-task.",
    ["task"],
    registry=LOCAL,
)


# -- requests ----------------------------------------------------------------------------------


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (``/api/v1/tickets/<ticket_id>``): few, bounded labels."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"  # 404s would otherwise make one label per path a scanner tries
    return "/" + str(match.route)


class RequestMetrics:
    """Middleware: times every request and counts it by route and status class."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route, method = route_of(request), request.method or "GET"
        REQUEST_SECONDS.labels(method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(method, route, f"{response.status_code // 100}xx").inc()
        return response


# -- tasks -------------------------------------------------------------------------------------


def connect_task_signals() -> None:
    """Count failures and retries wherever tasks run (called once, from the kernel's ready())."""
    from django_tasks.signals import task_finished

    task_finished.connect(_django_task_finished, dispatch_uid="helpmesh.metrics.task_finished")
    if getattr(settings, "BROKER_URL", None):
        from celery import signals

        signals.task_failure.connect(_celery_failure, dispatch_uid="helpmesh.metrics.failure")
        signals.task_retry.connect(_celery_retry, dispatch_uid="helpmesh.metrics.retry")
        signals.task_prerun.connect(_celery_prerun, dispatch_uid="helpmesh.metrics.prerun")


def _django_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from django_tasks.base import TaskResultStatus

    if task_result.status == TaskResultStatus.FAILED:
        TASK_FAILURES.labels(task_result.task.module_path).inc()


def _celery_task_name(args: Any, fallback: Any) -> str:
    # Every Celery message runs helpmesh.run_task; its first argument names the real task.
    if args and isinstance(args[0], str):
        return args[0]
    return str(getattr(fallback, "name", "unknown"))


def _celery_failure(sender: Any = None, args: Any = None, **kwargs: Any) -> None:
    TASK_FAILURES.labels(_celery_task_name(args, sender)).inc()


def _celery_retry(sender: Any = None, request: Any = None, **kwargs: Any) -> None:
    TASK_RETRIES.labels(_celery_task_name(getattr(request, "args", None), sender)).inc()


def _celery_prerun(sender: Any = None, task: Any = None, args: Any = None, **kwargs: Any) -> None:
    delivery = getattr(getattr(task, "request", None), "delivery_info", None) or {}
    if delivery.get("redelivered"):
        TASK_RETRIES.labels(_celery_task_name(args, task)).inc()


# -- backlogs, read when scraped -----------------------------------------------------------------


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


class Backlogs(Collector):
    """Gauges read from the database (and the broker) at scrape time."""

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # nothing to read at registration, before the database exists

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for read in (self._inbound, self._outbound, self._sla, self._task_queue):
            try:
                yield from list(read())
            except DatabaseError:
                # The counts of this process still go out; /readyz names the database.
                logger.warning("metrics: %s skipped, the database did not answer", read.__name__)

    def _inbound(self) -> Iterator[GaugeMetricFamily]:
        model = _model("conversations.InboundContact")
        if model is None:
            return
        family = GaugeMetricFamily(
            "helpmesh_inbound_backlog",
            "Inbound contacts not turned into messages: quarantined, waiting for a person.",
            labels=["state"],
        )
        family.add_metric(["quarantined"], model.objects.filter(state="quarantined").count())
        yield family

    def _outbound(self) -> Iterator[GaugeMetricFamily]:
        model = _model("email_channel.OutboundMail")
        if model is None:
            return
        family = GaugeMetricFamily(
            "helpmesh_outbound_mail_backlog",
            "Outbound mail not sent: queued (waiting or retrying) and failed for good.",
            labels=["status"],
        )
        counts = dict(
            model.objects.filter(status__in=["queued", "failed"])
            .values_list("status")
            .annotate(n=Count("id"))
        )
        for status in ("queued", "failed"):
            family.add_metric([status], counts.get(status, 0))
        yield family

    def _sla(self) -> Iterator[GaugeMetricFamily]:
        model = _model("routing.TicketSla")
        if model is None:
            return
        family = GaugeMetricFamily(
            "helpmesh_sla_breached_tickets",
            "Open tickets (not solved or closed) past a target of their SLA, by metric.",
            labels=["metric"],
        )
        states = (
            model.objects.filter(state__has_key="breached")
            .exclude(ticket__status__in=["solved", "closed"])
            .values_list("state", flat=True)
        )
        by_metric: dict[str, int] = {}
        for state in states.iterator(chunk_size=2000):
            for metric in state.get("breached") or []:
                by_metric[metric] = by_metric.get(metric, 0) + 1
        for metric, count in sorted(by_metric.items()):
            family.add_metric([metric], count)
        yield family

    def _task_queue(self) -> Iterator[GaugeMetricFamily]:
        depths = queue_depths()
        if depths is None:
            return
        family = GaugeMetricFamily(
            "helpmesh_task_queue_depth",
            "Background tasks waiting for a worker, by queue (database queue or Celery broker).",
            labels=["queue"],
        )
        for queue, depth in sorted(depths.items()):
            family.add_metric([queue], depth)
        yield family


def queue_depths() -> dict[str, int] | None:
    """Tasks waiting per queue, where the task backend can tell (``None`` where it cannot)."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    queues = [str(q) for q in settings.TASKS["default"].get("QUEUES") or ["default"]]
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready().values_list("queue_name").annotate(n=Count("id"))
        counts = dict(ready)
        return {queue: counts.get(queue, 0) for queue in queues}
    if backend.endswith("CeleryBackend"):
        return _broker_depths(queues)
    return None  # run inline: nothing ever waits


def _broker_depths(queues: list[str]) -> dict[str, int] | None:
    from kombu import Connection

    with Connection(settings.BROKER_URL, connect_timeout=2) as conn:
        try:
            conn.ensure_connection(max_retries=0, timeout=2)
        except Exception:  # the broker is down: /readyz names it; no made-up depth here
            return None
        return {queue: _broker_depth(conn, queue) for queue in queues}


def _broker_depth(conn: Any, queue: str) -> int:
    with conn.channel() as channel:
        try:
            return int(channel.queue_declare(queue=queue, passive=True).message_count)
        except conn.channel_errors:
            # Not declared yet (RabbitMQ), or emptied (Redis drops an empty list): none waiting.
            return 0


# -- exposition --------------------------------------------------------------------------------

# The process's memory, CPU and garbage collector too (memory growth is what a soak watches).
ProcessCollector(registry=LOCAL)
PlatformCollector(registry=LOCAL)
GCCollector(registry=LOCAL)
LOCAL.register(Backlogs())


def exposition() -> bytes:
    """The text format for one scrape: every process's counts in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(Backlogs())
        return generate_latest(registry)
    return generate_latest(LOCAL)


def allowed(request: HttpRequest) -> bool:
    """With HELPMESH_METRICS_TOKEN: the bearer token must match. Without: loopback only."""
    token = getattr(settings, "HELPMESH_METRICS_TOKEN", None)
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics in Prometheus' text format; 403 for a caller without the token."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not allowed(request):
        return HttpResponse(
            "metrics: send Authorization: Bearer <HELPMESH_METRICS_TOKEN>, or ask from localhost\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
