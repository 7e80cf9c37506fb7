"""Test settings: PostgreSQL and Redis, as production runs; fast password hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iro_oversight")
# Each pytest-xdist worker has a Redis database of its own (15, 14, ...), as it has its own
# test database: a real Celery worker started by one never takes the other's tasks, and a
# cache cleared by one never empties the other's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_INDEX = int(_WORKER[2:]) if _WORKER[2:].isdigit() else 0
os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{15 - _INDEX % 8}")

from iro_service.settings.base import *  # noqa: E402,F403

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# Serve static files straight from the finders: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Test data is thrown away: commits need not wait for the disk.
DATABASES["default"]["OPTIONS"] = {  # noqa: F405
    "options": f"{POSTGRES_SESSION_OPTIONS} -c synchronous_commit=off"  # noqa: F405
}
