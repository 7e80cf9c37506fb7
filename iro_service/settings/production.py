"""Production settings: every secret and address comes from the environment; no unsafe default.

Django refuses to start without SECRET_KEY and DATABASE_URL (django-environ raises
ImproperlyConfigured for a missing variable).
"""

from iro_service.settings.base import *  # noqa: F403
from iro_service.settings.base import env

SECRET_KEY = env("SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = POSTGRES_SESSION_OPTIONS  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only `make up` (plain HTTP on 127.0.0.1) turns these off; behind TLS keep them on.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_HTTPONLY = True
# Behind TLS the cookies take the __Host- prefix: the browser then sends them only over HTTPS,
# for this host alone and every path, and no subdomain can set or replace them.
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
if CSRF_COOKIE_SECURE:
    CSRF_COOKIE_NAME = "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
