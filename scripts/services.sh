#!/usr/bin/env bash
# Start PostgreSQL, Redis and RabbitMQ when they are not already answering (no systemd here).
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up; then
  echo "==> starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL did not start on 127.0.0.1:5432"; exit 1; }
# A fresh Debian cluster asks for a password over TCP; give the postgres role a known one
# (on a machine configured for trust auth this changes nothing that matters).
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1 <<<"" ; then
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'helpmesh'\"" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/helpmesh.log
  for _ in $(seq 20); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis did not start"; exit 1; }

amqp_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
if ! amqp_up; then
  echo "==> starting RabbitMQ"
  rabbitmq-server -detached
  for _ in $(seq 60); do amqp_up && break; sleep 1; done
  # The port opens before the broker accepts logins; wait for the node to finish booting.
  rabbitmqctl await_startup >/dev/null 2>&1 || sleep 5
fi
amqp_up || { echo "RabbitMQ did not start on 127.0.0.1:5672"; exit 1; }
