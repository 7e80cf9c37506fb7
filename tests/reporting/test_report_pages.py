"""The annual report's pages as managers and admins meet them: build an edition, watch it,
read and download it; write the narrative; record complaints. IROs reach none of it."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from reporting import figures as report_figures
from reporting.models import Complaint, Edition, EditionFile, EditionStatus, Narrative
from reporting.rules import ReportingYear
from tests import factories
from tests.conftest import FIXED_NOW, client_for
from tests.reporting.test_figures import child_in_care, review

pytestmark = pytest.mark.django_db
YEAR = "2023-24"  # the last complete year on the fixed clock (3 June 2024)


@pytest.fixture(autouse=True)
def eager_builds(settings):
    """Builds run as the request's transaction commits, as under `make run`."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from iro_service.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def quick_files(request, monkeypatch):
    """Pages are about building, reading and downloading: the files' content is tested in
    test_exports, so most tests here write placeholders in their stead (seconds saved each).
    A test marked real_files writes the real ones."""
    if request.node.get_closest_marker("real_files"):
        return
    from reporting import services

    monkeypatch.setattr(services, "draw_charts", lambda doc: {})
    monkeypatch.setattr(services, "render", lambda fmt, doc, svgs: f"{fmt} of {doc.year}".encode())


@pytest.fixture
def service(ivy):
    """A small service with a year of history: two children in care, reviews held."""
    for place in ("U4", "K2"):
        child = child_in_care(iro=ivy, start=date(2022, 6, 6), place=place)
        review(child, date(2023, 9, 4), due=date(2023, 10, 1))
    return ivy


def build(client, django_capture_on_commit_callbacks, *, year: str = YEAR, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:home"), {"year": year, **extra})
    return response


def test_an_iro_cannot_reach_the_report_pages(ivy, mona):
    edition = Edition.objects.create(year=YEAR, requested_by=mona)
    client = client_for(ivy)
    for url in (
        reverse("reporting:home"),
        reverse("reporting:edition", args=[edition.public_id]),
        reverse("reporting:narrative", args=[YEAR]),
        reverse("reporting:complaints"),
    ):
        assert client.get(url).status_code == 403


def test_a_manager_builds_an_edition_and_reads_it_beside_last_year(
    mona, service, django_capture_on_commit_callbacks
):
    client = client_for(mona)
    response = build(client, django_capture_on_commit_callbacks)

    edition = Edition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:edition", args=[edition.public_id])
    assert edition.status == EditionStatus.READY
    assert edition.requested_by == mona
    assert edition.data_as_of is not None
    assert edition.source["children"] == 2
    assert edition.figures["children"]["looked_after_at_end"] == 2
    assert edition.figures["previous"]["period"]["label"] == "2022-23"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Foster placement" in html
    assert "Children&#x27;s homes" in html
    assert "2022-23" in html  # every figure beside last year's
    assert AuditEvent.objects.filter(action=Action.REPORT_BUILD, user=mona).count() == 1
    assert AuditEvent.objects.filter(action=Action.REPORT_VIEW, user=mona).count() == 1


@pytest.mark.real_files
def test_every_download_is_the_right_file_and_audited(
    mona, service, django_capture_on_commit_callbacks
):
    client = client_for(mona)
    build(client, django_capture_on_commit_callbacks)
    edition = Edition.objects.get()

    def download(fmt):
        return client.get(reverse("reporting:download", args=[edition.public_id, fmt]))

    pdf = download("pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="iro-annual-report-{YEAR}.pdf"' in pdf["Content-Disposition"]
    assert download("docx").content.startswith(b"PK")
    assert download("xlsx").content.startswith(b"PK")
    with zipfile.ZipFile(io.BytesIO(download("csv").content)) as bundle:
        assert any(name.startswith("placements") for name in bundle.namelist())
    data = json.loads(download("json").content)
    assert data["period"]["label"] == YEAR
    assert data["placements_at_end"]["total"]["total"] == 2
    assert data["previous"]["period"]["label"] == "2022-23"
    assert download("exe").status_code == 404
    downloads = AuditEvent.objects.filter(action=Action.REPORT_DOWNLOAD, user=mona)
    assert sorted(d.detail["format"] for d in downloads) == ["csv", "docx", "json", "pdf", "xlsx"]


def _text_of(fmt: str, content: bytes) -> str:
    """Everything a file says, as text: PDF pages, and every member of a zip (Word, Excel, CSV)."""
    if fmt == "pdf":
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if fmt == "json":
        return content.decode()
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        return " ".join(bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist())


@pytest.mark.real_files
def test_no_file_of_an_edition_names_or_identifies_a_child(
    mona, service, django_capture_on_commit_callbacks
):
    child = child_in_care(
        iro=service, start=date(2022, 6, 6), first_name="Zebedee", last_name="Quartermaine"
    )
    client = client_for(mona)
    build(client, django_capture_on_commit_callbacks)
    edition = Edition.objects.get()

    for fmt in ("pdf", "docx", "xlsx", "csv", "json"):
        content = client.get(reverse("reporting:download", args=[edition.public_id, fmt])).content
        text = _text_of(fmt, content)
        assert "Looked after" in text or "looked_after" in text, fmt
        for identifying in ("Zebedee", "Quartermaine", child.child_ref, str(child.public_id)):
            assert identifying not in text, (fmt, identifying)


def test_an_admin_builds_and_downloads_too(ada, service, django_capture_on_commit_callbacks):
    client = client_for(ada)
    build(client, django_capture_on_commit_callbacks)
    edition = Edition.objects.get()

    assert edition.status == EditionStatus.READY
    assert (
        client.get(reverse("reporting:download", args=[edition.public_id, "json"])).status_code
        == 200
    )


def test_a_rebuild_makes_a_new_edition_and_keeps_the_first_as_built(
    mona, service, django_capture_on_commit_callbacks
):
    client = client_for(mona)
    build(client, django_capture_on_commit_callbacks)
    first = Edition.objects.get()
    child_in_care(start=date(2023, 5, 1))
    build(client, django_capture_on_commit_callbacks)

    first.refresh_from_db()
    newest = Edition.objects.exclude(pk=first.pk).get()
    assert first.figures["children"]["looked_after_at_end"] == 2
    assert newest.figures["children"]["looked_after_at_end"] == 3
    home = client.get(reverse("reporting:home")).content.decode()
    assert home.count(f">{YEAR}<span") == 2


def test_a_failed_build_says_why_and_the_page_offers_another(
    mona, service, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(report_figures, "annual_figures", broken)
    client = client_for(mona)
    response = build(client, django_capture_on_commit_callbacks)

    edition = Edition.objects.get()
    assert edition.status == EditionStatus.FAILED
    assert edition.failure == "The build failed while computing the figures: ZeroDivisionError."
    page = client.get(response["Location"]).content.decode()
    assert "The report could not be built" in page
    assert "ZeroDivisionError" in page
    assert (
        client.get(reverse("reporting:download", args=[edition.public_id, "pdf"])).status_code
        == 404
    )


def test_a_build_past_its_time_limit_is_stopped_and_says_where(
    mona, service, monkeypatch, django_capture_on_commit_callbacks
):
    from celery.exceptions import SoftTimeLimitExceeded

    from reporting import services

    def slow(fmt, doc, svgs):
        if fmt == "docx":
            raise SoftTimeLimitExceeded
        return b"x"

    monkeypatch.setattr(services, "render", slow)
    build(client_for(mona), django_capture_on_commit_callbacks)

    edition = Edition.objects.get()
    assert edition.status == EditionStatus.FAILED
    assert edition.failure == (
        "The build took too long while writing the Word document and was stopped."
    )
    assert not edition.files.exists()


def test_the_status_the_page_polls_and_a_build_that_stopped_reads_as_failed(mona):
    edition = Edition.objects.create(
        year=YEAR,
        requested_by=mona,
        status=EditionStatus.BUILDING,
        progress=60,
        step="Writing the PDF",
        started_at=FIXED_NOW,
    )
    url = reverse("reporting:status", args=[edition.public_id])
    client = client_for(mona)

    assert client.get(url).json() == {
        "status": "building",
        "status_label": "Building",
        "progress": 60,
        "step": "Writing the PDF",
        "failure": "",
    }
    page = client.get(reverse("reporting:edition", args=[edition.public_id])).content.decode()
    assert 'value="60"' in page
    assert "job-progress.js" in page

    Edition.objects.filter(pk=edition.pk).update(started_at=FIXED_NOW - timedelta(hours=1))
    state = client.get(url).json()
    assert state["status"] == "failed"
    assert "stopped without finishing" in state["failure"]


def test_a_year_that_is_not_offered_is_refused_with_a_message(mona):
    response = client_for(mona).post(reverse("reporting:home"), {"year": "1999-00"})

    assert response.status_code == 400
    assert "Select a reporting year from the list" in response.content.decode()
    assert not Edition.objects.exists()


# Narrative -------------------------------------------------------------------------------------


def narrative_post(**fields):
    data = {"introduction": "", "achievements": "", "next_steps": "", "version": ""}
    for n in range(2):
        for key in ("area", "measurement", "impact", "action"):
            data[f"priority_{n}_{key}"] = ""
    return data | fields


def test_the_narrative_is_saved_versioned_audited_and_kept_with_the_edition_as_built(
    mona, service, django_capture_on_commit_callbacks
):
    client = client_for(mona)
    url = reverse("reporting:narrative", args=[YEAR])
    response = client.post(
        url,
        narrative_post(
            introduction="A year of <script>alert(1)</script> change.",
            priority_0_area="Participation",
            priority_0_action="More young people chair",
        ),
    )
    assert response.status_code == 302
    narrative = Narrative.objects.get(year=YEAR)
    assert narrative.version == 1
    assert narrative.priorities == [
        {
            "area": "Participation",
            "measurement": "",
            "impact": "",
            "action": "More young people chair",
        }
    ]
    build(client, django_capture_on_commit_callbacks)
    edition = Edition.objects.get()

    client.post(url, narrative_post(introduction="Rewritten later.", version="1"))
    assert Narrative.objects.get(year=YEAR).version == 2

    html = client.get(reverse("reporting:edition", args=[edition.public_id])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Rewritten later" not in html
    assert "More young people chair" in html
    assert AuditEvent.objects.filter(action=Action.NARRATIVE_SAVE).count() == 2


def test_a_narrative_saved_by_someone_else_meanwhile_is_not_overwritten(mona):
    client = client_for(mona)
    url = reverse("reporting:narrative", args=[YEAR])
    client.post(url, narrative_post(introduction="First"))
    client.post(url, narrative_post(introduction="Second", version="1"))

    stale = client.post(url, narrative_post(introduction="Stale", version="1"))

    assert stale.status_code == 409
    assert Narrative.objects.get().introduction == "Second"


def test_a_narrative_for_a_year_that_is_not_one_is_not_found(mona):
    assert client_for(mona).get(reverse("reporting:narrative", args=["2020-22"])).status_code == 404


# Complaints ------------------------------------------------------------------------------------


def complaint_post(**fields):
    data = {
        "received_on_0": "4",
        "received_on_1": "9",
        "received_on_2": "2023",
        "complainant": "parent",
        "about": "Communication from an IRO",
        "stage": "stage_1",
        "outcome": "",
        "closed_on_0": "",
        "closed_on_1": "",
        "closed_on_2": "",
        "lessons": "",
    }
    return data | fields


def test_a_complaint_is_recorded_and_counted_in_its_year(mona):
    client = client_for(mona)
    response = client.post(reverse("reporting:complaint_create"), complaint_post())

    assert response.status_code == 302
    assert Complaint.objects.get().received_on == date(2023, 9, 4)
    assert report_figures.complaints(ReportingYear(2023))["received"] == 1
    assert "Parent or family member" in client.get(reverse("reporting:complaints")).content.decode()


def test_a_closed_complaint_needs_an_outcome_and_a_date_after_it_was_received(mona):
    client = client_for(mona)
    response = client.post(
        reverse("reporting:complaint_create"),
        complaint_post(closed_on_0="1", closed_on_1="9", closed_on_2="2023"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The date closed must be on or after the date received" in html
    assert not Complaint.objects.exists()

    response = client.post(
        reverse("reporting:complaint_create"),
        complaint_post(closed_on_0="20", closed_on_1="9", closed_on_2="2023"),
    )
    assert "Select the outcome of a closed complaint" in response.content.decode()


def test_a_complaint_changed_by_someone_else_meanwhile_is_not_overwritten(mona):
    complaint = Complaint.objects.create(
        received_on=date(2023, 9, 4), complainant="parent", about="x", stage="stage_1"
    )
    url = reverse("reporting:complaint_edit", args=[complaint.public_id])
    client = client_for(mona)
    assert client.post(url, complaint_post(version="1", stage="stage_2")).status_code == 302

    stale = client.post(url, complaint_post(version="1", stage="stage_3"))

    assert stale.status_code == 409
    assert Complaint.objects.get().stage == "stage_2"


def test_the_edition_page_runs_the_same_queries_whatever_the_caseload(
    mona, ivy, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(mona)

    def queries() -> int:
        EditionFile.objects.all().delete()
        Edition.objects.all().delete()
        build(client, django_capture_on_commit_callbacks)
        url = reverse("reporting:edition", args=[Edition.objects.get().public_id])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    child_in_care(iro=ivy, start=date(2022, 6, 6))
    small = queries()
    for _ in range(12):
        child = child_in_care(iro=ivy, start=date(2022, 6, 6), place="K2")
        review(child, date(2023, 9, 4))
    assert queries() == small
    factories.IroFactory()  # a new IRO changes nothing either
    assert queries() == small


def test_a_publishable_edition_offers_no_json_of_exact_counts(
    mona, service, django_capture_on_commit_callbacks
):
    client = client_for(mona)
    build(client, django_capture_on_commit_callbacks, publishable="on")
    edition = Edition.objects.get()

    assert edition.publishable
    page = client.get(reverse("reporting:edition", args=[edition.public_id])).content.decode()
    assert "JSON for data teams" not in page
    assert "shown as c" in page
    json_url = reverse("reporting:download", args=[edition.public_id, "json"])
    assert client.get(json_url).status_code == 404
    assert (
        client.get(reverse("reporting:download", args=[edition.public_id, "pdf"])).status_code
        == 200
    )
