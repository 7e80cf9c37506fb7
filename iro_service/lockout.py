"""Sign-in that resists guessing (OWASP ASVS 2.2.1): django-axes counts failed sign-ins by
account and address together; the 6th attempt within the cool-off is refused even with the
right password, and says exactly what a wrong password says, so a guesser learns nothing."""

from typing import Any

from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iro_service.staff_forms import SignInForm


def refused(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """The sign-in page with the wrong-password message (AXES_LOCKOUT_CALLABLE)."""
    form = SignInForm(request, data=request.POST or None)
    form.cleaned_data = {}
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # not cleaned: that signs in
    form.add_error(None, SignInForm.error_messages["invalid_login"])
    # Rendered here: the middleware that asks for it returns it after the response phase.
    return render(
        request, "registration/login.html", {"form": form, "next": request.POST.get("next", "")}
    )
