"""Zero-setup settings for trying the app: SQLite, Celery eager, DEBUG on unless told off."""

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_ROOT / 'db.sqlite3'}")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from iro_service.settings.base import *  # noqa: E402,F403

SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-never-in-production")  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files straight from the finders: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# SQLite builds the covering indexes without their INCLUDE columns: still right, just slower.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
