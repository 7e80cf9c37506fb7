"""Settings shared by every environment; each value is read from the environment by one reader.

Unsafe values have no default here: environments that may default them (dev, test) say so
in their own module; production.py sets none.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "iro_service",
    "core",
    "audit",
    "children",
    "reviews",
    "support",
    "escalations",
    "reporting",
    "alerts",
    "dashboards",
    "ssda903",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "iro_service.session_limits.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.headers.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 wrong passwords for one account from one address lock that pair out for 30 minutes (a
# failure is forgotten 30 minutes after the last one); the refusal reads as a wrong password.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (it holds the email address)
AXES_LOCKOUT_CALLABLE = "iro_service.lockout.refused"
AXES_VERBOSE = False  # no banner on every command; each lockout is an AccessAttempt row

ROOT_URLCONF = "iro_service.urls"
WSGI_APPLICATION = "iro_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iro_service.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# PostgreSQL's JIT spends 1-2.6 s compiling the big list queries and saves nothing on them
# (issue 9's measurements; ADR 0011), and parallel workers tripled the service dashboard's
# one pass over the open periods on 2 cores (17 ms alone, 57 ms with 2 workers; ADR 0018):
# every connection turns both off.
POSTGRES_SESSION_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = POSTGRES_SESSION_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "iro_service.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Argon2id, the OWASP choice for password storage (ASVS 2.4); a PBKDF2 hash from before is
# upgraded to Argon2 when its owner next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Signed out after 30 minutes without a request and 12 hours after signing in
# (iro_service.session_limits; OWASP ASVS 3.3); the cookie itself lasts no longer.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="iro-oversight@localhost")

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = TIME_ZONE
# A request publishes its tasks after its commit (core/queue.py) and must not wait long on a
# Redis that is stopped, or that accepts connections and never answers: every socket to it gives
# up after REDIS_TIMEOUT seconds and nothing retries, since the periodic scan queues again
# whatever was not published. Loopback or LAN Redis answers in milliseconds.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "retry_on_timeout": False,
    # Without it a producer that cannot connect sleeps two seconds before it gives up.
    "max_retries": 0,
}
# Bounds a worker's attempts to connect (retried, unlike a producer's); the options above bound
# a producer's.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY = False
# A worker starting before Redis waits for it instead of exiting; requests never connect at startup.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_RETRY_ON_TIMEOUT = False
# The backend otherwise spends 20 s reconnecting before it gives up; with no retry, an idle
# connection is checked before use, so one left over from a Redis restart is replaced unnoticed.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 25

# Local practice, not statute: the working days allowed to allocate an IRO to a child who
# has come into care (IRO Handbook 2010, para 2.11 asks for allocation "promptly").
IRO_ALLOCATION_TARGET_WORKING_DAYS = env.int("IRO_ALLOCATION_TARGET_WORKING_DAYS", default=5)
CHILDREN_PAGE_SIZE = 50

# Local practice, not statute: working days allowed for a response at each escalation stage
# (IRO Handbook 2010, para 6.2 asks for a timescale at each stage, 20 working days in all).
# For example ESCALATION_STAGE_WORKING_DAYS="informal=5,stage_1=5,stage_2=5".
ESCALATION_STAGE_WORKING_DAYS = env.dict(
    "ESCALATION_STAGE_WORKING_DAYS",
    cast={"value": int},
    default=dict.fromkeys(("informal", "stage_1", "stage_2", "stage_3", "stage_4", "cafcass"), 5),
)
ESCALATIONS_PAGE_SIZE = 50

# Local practice, not statute: the alerts' thresholds (alerts/rules.py DEFAULTS names each),
# for example ALERT_THRESHOLDS="REVIEW_DUE_SOON_WORKING_DAYS=15,CASELOAD_PER_FTE_LIMIT=65".
ALERT_THRESHOLDS = env.dict("ALERT_THRESHOLDS", cast={"value": int}, default={})
# The address links in emails start with: emails go outside the app, so they need the host.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Every periodic task, in one place (UK time); managers see it, with each task's docstring, at
# /alerts/schedule/.
CELERY_BEAT_SCHEDULE = {
    "scan-alerts": {
        "task": "alerts.tasks.scan_alerts",
        "schedule": crontab(minute=5, hour="6-20"),
    },
    "daily-digest": {
        "task": "alerts.tasks.send_digests",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon-fri"),
    },
}

# The largest count of children a publishable annual report shows as "c": the DfE suppresses
# 1 to 5 in its children looked after and children in need statistics (ADR 0014).
REPORT_SUPPRESSION_THRESHOLD = env.int("REPORT_SUPPRESSION_THRESHOLD", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every step of every PDF at INFO; its warnings still show.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
