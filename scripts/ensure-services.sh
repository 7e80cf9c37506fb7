#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 when they are installed but not running.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and is not installed here" >&2
    exit 1
  fi
fi

if ! (redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 1; done
  else
    echo "Redis is not running on 127.0.0.1:6379 and is not installed here" >&2
    exit 1
  fi
fi
