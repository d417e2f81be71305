"""Notifications go through the task API: inline in tests, Celery on Redis in the celery pass."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from helpmesh.conversations import services


def test_an_agent_reply_emails_the_requester(personas, django_capture_on_commit_callbacks):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(
            ticket,
            services.NewMessage("Fixed it for you."),
            channel="web",
            author_user=personas.anna,
        )
    [sent] = mail.outbox
    assert sent.to == ["alice@example.com"]
    assert sent.subject == f"[#{ticket.pk}] {ticket.subject}"
    assert "Fixed it for you." in sent.body
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"


def test_internal_notes_and_customer_messages_send_nothing(
    personas, django_capture_on_commit_callbacks
):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(
            ticket,
            services.NewMessage("note"),
            channel="web",
            author_user=personas.anna,
            internal=True,
        )
        services.add_message(
            ticket, services.NewMessage("more info"), channel="web", author_customer=personas.alice
        )
    assert mail.outbox == []


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `helpmesh worker` on Redis, pointed at this test run's database."""
    if not os.environ.get("HELPMESH_BROKER_URL"):
        pytest.skip("needs HELPMESH_BROKER_URL (scripts/test.sh runs this with Redis)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "HELPMESH_DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
        "HELPMESH_HOME": str(tmp_path),
        "HELPMESH_EMAIL_URL": "file:",
        "DJANGO_SETTINGS_MODULE": "helpmesh.settings",
    }
    env.pop("HELPMESH_TASKS_IMMEDIATE", None)
    from helpmesh.celery_app import app

    app.conf.broker_url = os.environ["HELPMESH_BROKER_URL"]
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "helpmesh.cli", "worker", "--concurrency=1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield tmp_path / "sent-mail"
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=20)


@pytest.mark.celery
def test_a_celery_worker_on_redis_sends_the_notification(personas, celery_worker_process):
    from django.conf import settings

    assert settings.TASKS["default"]["BACKEND"] == "helpmesh.core.taskqueue.CeleryBackend"
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    services.add_message(
        ticket, services.NewMessage("Sent by a worker"), channel="web", author_user=personas.anna
    )
    outbox: Path = celery_worker_process
    deadline = time.monotonic() + 60
    text = ""
    while time.monotonic() < deadline:
        # The file backend creates the file before it writes the message: wait for the words.
        sent = list(outbox.glob("*.log")) if outbox.exists() else []
        text = sent[0].read_text() if sent else ""
        if "Sent by a worker" in text:
            break
        time.sleep(0.25)
    assert text, "the worker sent no mail within 60 s"
    assert "Sent by a worker" in text and "To: alice@example.com" in text
