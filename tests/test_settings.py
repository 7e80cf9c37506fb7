"""Production settings refuse to start without their secrets; development ones start with none."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def start(settings: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": settings, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1/x"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "DATABASE_URL"),
    ],
)
def test_production_settings_refuse_to_start_without_a_secret(env: dict, missing: str) -> None:
    result = start("iro_service.settings.production", **env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_default_debug_off() -> None:
    assert _production_setting("settings.DEBUG") == "False"


def test_development_settings_start_with_nothing_set() -> None:
    assert start("iro_service.settings.dev").returncode == 0


def test_every_postgresql_connection_runs_with_jit_and_parallel_workers_off(db) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


def _production_setting(expression: str, **env: str) -> str:
    result = subprocess.run(  # noqa: S603  (our own interpreter, our own expression)
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "iro_service.settings.production",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://postgres@127.0.0.1/x",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.strip()


def test_behind_tls_the_cookies_are_host_prefixed() -> None:
    names = "settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_PATH"
    assert _production_setting(names) == "__Host-sessionid __Host-csrftoken /"
    # `make up` over plain HTTP cannot use the prefix: the browser would drop the cookies.
    assert _production_setting(names, SECURE_COOKIES="false") == "sessionid csrftoken /"
