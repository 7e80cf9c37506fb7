"""The one way a page shows and saves a form: validate, call the service, then redirect.

A service's ValidationError lands on the form's fields; an EditConflictError (someone saved
since the form was opened) answers 409 with a fresh form and the conflict message.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from core.conflicts import EditConflictError
from core.forms import add_service_errors

FORM_PAGE = "includes/form_page.html"

T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: an empty submission is still a submission."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    save: Callable[[], T],
    success: str | Callable[[T], str],
    then: str | Callable[[T], str],
    refreshed: Callable[[], forms.BaseForm] | None = None,
    template: str = FORM_PAGE,
    context: Mapping[str, Any] | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Show `form`; on a valid POST run `save`, then redirect with `success`, or show the errors.

    `refreshed` builds the form again from the record as saved now, shown (409) when
    `save` raises EditConflictError.
    """
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except EditConflictError as error:
            if refreshed is None:
                raise
            form, conflict, status = refreshed(), str(error), 409
        except ValidationError as error:
            add_service_errors(form, error, aliases)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then(result) if callable(then) else then)
    page = {"form": form, "title": title, "conflict": conflict, **(context or {})}
    return render(request, template, page, status=status)
