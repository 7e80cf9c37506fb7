"""Response headers every page carries (OWASP ASVS 14.4, 8.2.1).

- `Cache-Control: no-store` on every response to a signed-in user: the pages show children's
  special category data, and no browser, proxy or back button may keep a copy. Static files
  (WhiteNoise answers them before this runs) keep their long-lived caching.
- `Permissions-Policy`: the app uses no camera, microphone, location, payment or USB, so no
  page (nor anything injected into one) may ask for them.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # "max-age=0, no-cache, no-store, must-revalidate, private": no-store, and what
            # older caches need to the same effect.
            add_never_cache_headers(response)
        return response
