"""The notification centre: a user's alerts by kind, the team's for managers, the schedule."""

import uuid
from typing import Any

from celery.schedules import crontab
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_POST

from alerts import access, selectors, services
from alerts.forms import AlertSettingsForm
from alerts.kinds import KINDS
from alerts.models import Alert, AlertQuerySet, AlertSettings, Scan
from audit.models import Action
from audit.writer import record_reads
from core.access import role_required
from core.views import form_page, posted
from iro_service.http import AuthedHttpRequest
from iro_service.models import User


def _link(request: AuthedHttpRequest, alert: Alert) -> str:
    info = KINDS[alert.kind]
    if info.link_perm and not request.user.has_perm(info.link_perm):
        return ""
    return reverse(info.url_name, args=[alert.link_ref])


def _list_page(
    request: AuthedHttpRequest,
    alerts: AlertQuerySet,
    *,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Render alerts grouped by kind (the first of each, or every one of the kind asked
    for), each child shown written to the audit trail."""
    kind = request.GET.get("kind", "")
    totals = selectors.counts_by_kind(alerts)
    if kind in KINDS:
        shown = alerts.filter(kind=kind)
    else:
        kind, shown = "", selectors.first_of_each_kind(alerts)
    listed = list(selectors.with_read(shown, request.user).select_related("child", "staff"))
    record_reads(
        user=request.user,
        action=Action.ALERT_LIST,
        children={alert.child for alert in listed if alert.child is not None},
        request=request,
    )
    groups = selectors.grouped(listed, totals=totals)
    for group in groups:
        for row in group.rows:
            row.url = _link(request, row.alert)
    return render(
        request,
        template,
        {
            "groups": groups,
            "count": sum(totals.values()),
            "kind": kind,
            "today": timezone.localdate(),
            **context,
        },
    )


@require_http_methods(["GET"])
def alert_list(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in user's open alerts, grouped by kind, soonest due first."""
    return _list_page(
        request,
        selectors.alerts_for(request.user),
        template="alerts/alert_list.html",
        context={"unread": selectors.unread_count(request.user)},
    )


def alert_open(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Follow an alert (from the list or an email): mark it read and go to its record."""
    # Whose it is is settled before the method, so a refusal is the same whatever was sent.
    alert = access.alert_for(request.user, public_id, request=request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not alert.is_open:
        messages.info(request, "That alert has cleared: what it asked for has been done")
        return redirect("alerts:list")
    services.alerts_mark_read(user=request.user, alerts=[alert])
    return redirect(_link(request, alert) or reverse("alerts:list"))


def alert_mark_read(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Mark one of the user's alerts as read."""
    alert = access.alert_for(request.user, public_id, request=request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.alerts_mark_read(user=request.user, alerts=[alert])
    messages.success(request, "Alert marked as read")
    return redirect("alerts:list")


@require_POST
def alert_mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    """Mark every one of the user's open alerts as read."""
    unread = list(selectors.unread_for(request.user))
    services.alerts_mark_read(user=request.user, alerts=unread)
    messages.success(
        request, f"{len(unread)} alert{'s' if len(unread) != 1 else ''} marked as read"
    )
    return redirect("alerts:list")


@role_required(access.SERVICE_ALERTS)
@require_http_methods(["GET"])
def team(request: AuthedHttpRequest) -> HttpResponse:
    """Each IRO's open alerts, counted, for the service managers."""
    today = timezone.localdate()
    return render(
        request, "alerts/team.html", {"rows": selectors.team_summary(today=today), "today": today}
    )


@role_required(access.SERVICE_ALERTS)
@require_http_methods(["GET"])
def team_iro(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One IRO's caseload's open alerts, as the IRO sees them."""
    iro = get_object_or_404(User.objects.iros(), public_id=public_id)
    return _list_page(
        request,
        selectors.team_alerts(iro),
        template="alerts/alert_list.html",
        context={"iro": iro},
    )


@require_http_methods(["GET", "POST"])
def alert_settings(request: AuthedHttpRequest) -> HttpResponse:
    """Turn the daily digest email on or off."""
    chosen = AlertSettings.objects.filter(user=request.user).first()
    form = AlertSettingsForm(
        posted(request), initial={"daily_digest": bool(chosen and chosen.daily_digest)}
    )
    return form_page(
        request,
        form,
        title="Alert emails",
        save=lambda: services.alert_settings_save(
            user=request.user, daily_digest=form.cleaned_data["daily_digest"]
        ),
        success=lambda saved: "Daily digest turned " + ("on" if saved.daily_digest else "off"),
        then=reverse("alerts:list"),
        context={"caption": "Alerts", "back_url": reverse("alerts:list")},
    )


def _when(schedule: crontab) -> str:
    """A crontab in words, for the schedules this service uses (UK time)."""
    minute, hour = f"{schedule._orig_minute:0>2}", str(schedule._orig_hour)
    days = {"*": "every day", "mon-fri": "Monday to Friday"}.get(
        str(schedule._orig_day_of_week), f"on days {schedule._orig_day_of_week}"
    )
    if "-" in hour:
        first, last = hour.split("-")
        return f"Every hour at :{minute}, {first:0>2}:{minute} to {last:0>2}:{minute}, {days}"
    return f"At {hour:0>2}:{minute}, {days}"


@role_required(access.SERVICE_ALERTS)
@require_http_methods(["GET"])
def schedule(request: AuthedHttpRequest) -> HttpResponse:
    """The periodic tasks, when each runs, and what the last scans found (read-only)."""
    entries = []
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = import_string(entry["task"])
        doc = (task.run.__doc__ or "").strip().splitlines()[0]
        entries.append({"task": entry["task"], "when": _when(entry["schedule"]), "doc": doc})
    return render(
        request,
        "alerts/schedule.html",
        {"entries": entries, "scans": list(Scan.objects.all()[:10]), "kinds": KINDS},
    )
