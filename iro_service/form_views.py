"""The one way a page saves a form: validate, call the service, show its errors or move on."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from iro_service.forms import add_service_errors


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: an empty submission is still a submission."""
    return request.POST if request.method == "POST" else None


def save_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    then: str | Callable[[Any], str],
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """On a valid POST run `save`; redirect with a success message, or leave its errors on the form.

    Returns None when the page should be shown again (a GET, or errors to show).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as error:
        add_service_errors(form, error, aliases)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result) if callable(then) else then)
