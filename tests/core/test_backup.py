"""`helpmesh backup` and `helpmesh restore`: tickets, attachments and the audit chain come back
whole in a fresh home (SQLite, or a fresh PostgreSQL database when the suite runs there), and a
restore never lands on existing data unless told to."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import uuid

import psycopg
import pytest
from django.db import connection

from helpmesh.cli import main
from helpmesh.conversations import services
from helpmesh.conversations.attachments import NewAttachment
from helpmesh.conversations.models import Attachment, Ticket
from helpmesh.core.models import AuditEvent

COUNT = """
import django
django.setup()
from helpmesh.conversations.models import Attachment, Ticket
from helpmesh.core.models import AuditEvent
print(Ticket.objects.count(), AuditEvent.objects.count())
for attachment in Attachment.objects.order_by("filename"):
    print(attachment.filename, attachment.file.read().decode())
"""


@pytest.fixture
def fresh_target(request, tmp_path):
    """The environment of an empty home (and, on PostgreSQL, an empty database beside ours)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPMESH_")}
    env |= {
        "HELPMESH_HOME": str(tmp_path / "restored"),
        "DJANGO_SETTINGS_MODULE": "helpmesh.settings",
    }
    if connection.vendor != "postgresql":
        yield env
        return
    db = connection.settings_dict
    name = f"helpmesh_restore_{uuid.uuid4().hex[:10]}"
    server = dict(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"])
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["HELPMESH_DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    )
    yield env
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def helpmesh(env, *args, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "helpmesh.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result.stderr = " ".join(result.stderr.split())  # rich wraps lines at the terminal's width
    return result


@pytest.fixture
def desk(transactional_db, personas, settings, tmp_path):
    """Three tickets, two with an attachment: committed, as on a running system. A media folder
    of its own: the session's shared one holds other tests' files."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for n in range(3):
        ticket = personas.ticket_for(personas.alice_user, team=personas.team_a, subject=f"T{n}")
        if n:
            services.add_message(
                ticket,
                services.NewMessage(
                    f"log {n}", attachments=[NewAttachment(f"log{n}.txt", b"x" * n)]
                ),
                channel="web",
                author_customer=personas.alice,
            )
    return personas


def test_a_backup_restores_into_a_fresh_home_and_verifies(desk, fresh_target, tmp_path):
    out = tmp_path / "backups" / "desk.tar.gz"
    assert main(["backup", "--out", str(out)]) == 0
    tickets, events = Ticket.objects.count(), AuditEvent.objects.count()
    assert Attachment.objects.count() == 2
    with tarfile.open(out) as archive:
        names = archive.getnames()
    assert "manifest.json" in names
    assert sum(name.startswith("media/") for name in names) == 2

    restored = helpmesh(fresh_target, "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    verified = helpmesh(fresh_target, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"{events} events verified" in verified.stderr
    counted = subprocess.run(
        [sys.executable, "-c", COUNT], env=fresh_target, capture_output=True, text=True, timeout=120
    )
    assert counted.returncode == 0, counted.stderr
    lines = counted.stdout.splitlines()
    assert lines[0] == f"{tickets} {events}"
    assert lines[1:] == ["log1.txt x", "log2.txt xx"]  # the files came back with their rows

    # Now the home holds data: a second restore is refused unless forced.
    again = helpmesh(fresh_target, "restore", str(out))
    assert again.returncode == 1
    assert "--force" in again.stderr
    forced = helpmesh(fresh_target, "restore", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert helpmesh(fresh_target, "audit", "verify").returncode == 0


def test_restore_refuses_a_file_that_is_not_a_backup(fresh_target, tmp_path, db):
    bogus = tmp_path / "notes.tar.gz"
    with tarfile.open(bogus, "w:gz"):
        pass
    result = helpmesh(fresh_target, "restore", str(bogus))
    assert result.returncode == 1
    assert "not a helpmesh backup" in result.stderr
