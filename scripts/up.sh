#!/usr/bin/env bash
# The production-like stack on one machine without Docker: gunicorn, a Celery worker and beat,
# on local PostgreSQL and Redis, with production settings. Ctrl-C stops all three.
set -euo pipefail
export DJANGO_SETTINGS_MODULE=iro_service.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/iro_oversight_prod}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/1}"
export SECRET_KEY="${SECRET_KEY:-$(head -c 48 /dev/urandom | base64)}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_COOKIES="${SECURE_COOKIES:-false}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
PORT="${PORT:-8000}"

dbname="${DATABASE_URL##*/}"
psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='${dbname}'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE \"${dbname}\"" >/dev/null
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/python manage.py seed_demo --if-empty

trap 'kill 0' EXIT
.venv/bin/celery -A iro_service worker --loglevel INFO --concurrency 2 &
.venv/bin/celery -A iro_service beat --loglevel INFO --schedule /tmp/iro-celerybeat-schedule &
echo "Serving the production-like stack on http://127.0.0.1:${PORT} (plain HTTP: cookies marked Secure need HTTPS in front)"
.venv/bin/gunicorn iro_service.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --access-logfile - &
wait
