"""GET /metrics: request latency by route, task failures and retries, backlogs read when scraped
(quarantined inbound, outbound mail, SLA breaches, task queue depth), who may scrape, and
multiprocess mode adding up every process's counts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.test import override_settings
from django_tasks import task
from prometheus_client.parser import text_string_to_metric_families

from helpmesh.core import metrics
from helpmesh.core.clock import now


@task()
def failing_task() -> None:
    raise RuntimeError("the printer is on fire")


@task()
def quiet_task() -> None:
    return None


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_request_latency_is_measured_by_route_not_by_path(client, personas, api):
    agent = api(personas.anna)
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    route = "/api/v1/tickets/<ticket_id>"
    before = (
        value(
            scrape(client),
            "helpmesh_http_request_duration_seconds_count",
            method="GET",
            route=route,
        )
        or 0
    )
    assert agent.get(f"/tickets/{ticket.pk}").status_code == 200
    assert agent.get("/tickets/999999").status_code == 404
    samples = scrape(client)
    count = "helpmesh_http_request_duration_seconds_count"
    assert value(samples, count, method="GET", route=route) == before + 2
    assert value(samples, "helpmesh_http_requests_total", method="GET", route=route, status="4xx")
    # A path nobody routes is one label, whatever the path.
    client.get(f"/no-such-page-{uuid.uuid4()}")
    assert value(scrape(client), count, method="GET", route="unmatched") >= 1


def test_a_failing_task_is_counted_by_its_name(client, db):
    name = f"{failing_task.module_path}"
    before = value(scrape(client), "helpmesh_task_failures_total", task=name) or 0
    quiet_task.enqueue()
    failing_task.enqueue()
    assert value(scrape(client), "helpmesh_task_failures_total", task=name) == before + 1
    assert (
        value(scrape(client), "helpmesh_task_failures_total", task=quiet_task.module_path) is None
    )


def test_celery_failures_retries_and_redeliveries_are_counted(client, db):
    from celery import signals
    from celery.app.task import Context

    from helpmesh.celery_app import run_task

    name = "helpmesh.automation.tasks.retry_webhooks"
    with override_settings(BROKER_URL="redis://127.0.0.1:6379/15"):
        metrics.connect_task_signals()
    before = scrape(client)
    signals.task_failure.send(
        sender=run_task, task_id="1", exception=RuntimeError(), args=[name, [], {}]
    )
    signals.task_retry.send(sender=run_task, request=Context(args=[name, [], {}]), reason="later")
    run_task.push_request(delivery_info={"redelivered": True})
    try:
        signals.task_prerun.send(sender=run_task, task_id="2", task=run_task, args=[name, [], {}])
    finally:
        run_task.pop_request()
    after = scrape(client)
    for metric, grew in (("helpmesh_task_failures_total", 1), ("helpmesh_task_retries_total", 2)):
        assert (value(after, metric, task=name) or 0) - (
            value(before, metric, task=name) or 0
        ) == grew


def test_backlogs_are_read_from_the_database_when_scraped(client, personas):
    from helpmesh.channels.email.models import OutboundMail
    from helpmesh.conversations.models import InboundContact
    from helpmesh.routing.models import TicketSla

    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    solved = personas.ticket_for(personas.alice_user, team=personas.team_a)
    solved.status = "solved"
    solved.save(update_fields=["status"])
    for n, state in enumerate(["quarantined", "quarantined", "processed"]):
        InboundContact.objects.create(
            channel="email", source_id=f"<m{n}@x>", raw=b"x", received_at=now(), state=state
        )
    for n, status in enumerate(["queued", "queued", "queued", "failed", "sent"]):
        OutboundMail.objects.create(
            ticket=ticket, kind="reply", to="a@example.com", subject="s",
            message_id=f"<out{n}@x>", status=status, created_at=now(),
        )  # fmt: skip
    breached = {"breached": ["first_response", "resolution"]}
    TicketSla.objects.update_or_create(ticket=ticket, defaults={"state": breached})
    TicketSla.objects.update_or_create(ticket=solved, defaults={"state": breached})

    samples = scrape(client)
    assert value(samples, "helpmesh_inbound_backlog", state="quarantined") == 2
    assert value(samples, "helpmesh_outbound_mail_backlog", status="queued") == 3
    assert value(samples, "helpmesh_outbound_mail_backlog", status="failed") == 1
    # The solved ticket's breach is history, not backlog.
    assert value(samples, "helpmesh_sla_breached_tickets", metric="first_response") == 1
    assert value(samples, "helpmesh_sla_breached_tickets", metric="resolution") == 1


def test_queue_depth_of_the_database_queue(client, db):
    database_queue = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with override_settings(TASKS=database_queue):
        assert value(scrape(client), "helpmesh_task_queue_depth", queue="default") == 0
        quiet_task.enqueue()
        quiet_task.enqueue()
        assert value(scrape(client), "helpmesh_task_queue_depth", queue="default") == 2


def test_queue_depth_inline_is_not_made_up(client, db):
    assert not any(name == "helpmesh_task_queue_depth" for name, _ in scrape(client))


def test_queue_depth_of_a_redis_broker(client, db):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379 (scripts/services.sh starts one)")
    from kombu import Connection, Exchange, Queue

    url, queue = "redis://127.0.0.1:6379/15", f"metrics-test-{uuid.uuid4().hex[:8]}"
    celery = {"default": {"BACKEND": "helpmesh.core.taskqueue.CeleryBackend", "QUEUES": [queue]}}
    with override_settings(TASKS=celery, BROKER_URL=url):
        assert value(scrape(client), "helpmesh_task_queue_depth", queue=queue) == 0
        with Connection(url) as conn:
            target = Queue(queue, Exchange(queue), routing_key=queue)
            producer = conn.Producer()
            for n in range(3):
                producer.publish(
                    {"n": n}, exchange=target.exchange, routing_key=queue, declare=[target]
                )
            try:
                assert value(scrape(client), "helpmesh_task_queue_depth", queue=queue) == 3
            finally:
                target(conn.default_channel).delete()


def test_only_loopback_may_scrape_without_a_token(client, db):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_with_a_token_every_caller_must_send_it(client, db):
    with override_settings(HELPMESH_METRICS_TOKEN="s3cret-scrape-token"):
        assert client.get("/metrics").status_code == 403  # loopback is not enough any more
        bad = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 403
        good = client.get(
            "/metrics",
            headers={"Authorization": "Bearer s3cret-scrape-token"},
            REMOTE_ADDR="10.1.2.3",
        )
        assert good.status_code == 200
        assert b"helpmesh_http_request_duration_seconds" in good.content
    assert client.post("/metrics").status_code == 405


COUNT_ONE_FAILURE = """
from helpmesh.core import metrics  # a worker's counter (no Django needed to count)
metrics.TASK_FAILURES.labels("helpmesh.demo.task").inc()
"""

EXPOSE = """
import django, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
django.setup()
from helpmesh.core import metrics
sys.stdout.write(metrics.exposition().decode())
"""


def test_multiprocess_mode_adds_up_every_process(tmp_path):
    """Two processes count a failure each; a third, the one scraped, exposes both."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPMESH_")}
    env |= {"HELPMESH_HOME": str(tmp_path / "home"), "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE_FAILURE], env=env, check=True, timeout=120)
    exposed = subprocess.run(
        [sys.executable, "-c", EXPOSE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'helpmesh_task_failures_total{task="helpmesh.demo.task"} 2.0' in exposed
    # This home has no tables yet: the backlogs are skipped, the counts still go out.
    assert "helpmesh_inbound_backlog" not in exposed
