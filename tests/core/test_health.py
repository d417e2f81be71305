"""/healthz says the process answers; /readyz checks the database and the broker, naming the
part that fails with a 503."""

import socket

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import override_settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once the socket is closed


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("connection to server lost")


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_while_the_database_is_down(client, db):
    with connection.execute_wrapper(refuse_every_query):
        assert client.get("/healthz").status_code == 200


def test_readyz_is_ok_with_the_database_queue(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checked": ["database"]}


def test_readyz_names_the_database_when_it_fails(client, db):
    with connection.execute_wrapper(refuse_every_query):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert "database: connection to server lost" in body["detail"]


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_readyz_names_the_broker_when_it_does_not_answer(client, db, scheme):
    with override_settings(BROKER_URL=f"{scheme}://127.0.0.1:{closed_port()}/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["detail"].startswith("broker: ")


def test_readyz_checks_a_broker_that_answers(client, db):
    redis = socket.socket()
    try:
        redis.settimeout(1)
        redis.connect(("127.0.0.1", 6379))
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379 (scripts/services.sh starts one)")
    finally:
        redis.close()
    with override_settings(BROKER_URL="redis://127.0.0.1:6379/15"):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checked": ["database", "broker"]}


def test_health_endpoints_need_no_sign_in_and_only_answer_get(client, db):
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405
