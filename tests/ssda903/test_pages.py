"""The 903 pages: an admin uploads files and follows the import; a manager downloads the return;
nobody else reaches either, and a problem list shows nothing of a child but what the files had."""

import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import Action, AuditEvent
from children.models import Child
from ssda903.models import Import
from tests.conftest import client_for
from tests.ssda903.files import YEAR, children, csv_files

pytestmark = pytest.mark.django_db

LABEL = f"{YEAR}-{(YEAR + 1) % 100:02d}"


def uploads(data):
    return [SimpleUploadedFile(name, body, "text/csv") for name, body in csv_files(data).items()]


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Post the upload form; the import runs as the request commits, as a worker would run it
    (Celery eager)."""
    from iro_service.celery import app

    def submit(user, files, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(user).post(
                reverse("ssda903:imports"),
                {"uploads": files, "year": LABEL, "encoding": "utf-8", **fields},
            )

    app.conf.task_always_eager = True
    yield submit
    app.conf.task_always_eager = False


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_an_admin_uploads_the_files_and_sees_what_was_added(ada, submit):
    response = submit(ada, uploads(children("C1", "C2")))
    batch = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ssda903:import", args=[batch.public_id])
    page = client_for(ada).get(response["Location"]).content.decode()
    assert "Every record in the files is in" in page
    assert Child.objects.count() == 2
    assert AuditEvent.objects.filter(action=Action.IMPORT_903).count() == 1
    assert AuditEvent.objects.filter(action=Action.IMPORT_903_VIEW).count() == 1
    status = client_for(ada).get(reverse("ssda903:import_status", args=[batch.public_id])).json()
    assert status == {"status": "done", "progress": 100, "step": "Imported", "finished": True}


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_files_with_errors_import_nothing_and_list_every_problem_for_download(ada, submit):
    data = children("C1")
    data["Episodes"][0]["PLACE"] = "Q1"
    response = submit(ada, uploads(data))
    batch = Import.objects.get()
    page = client_for(ada).get(response["Location"]).content.decode()
    assert "Nothing was imported" in page
    assert "Placement type" in page or "PLACE" in page
    assert Child.objects.count() == 0
    download = client_for(ada).get(reverse("ssda903:problems", args=[batch.public_id]))
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().splitlines()
    assert lines[0] == "File,Row,Child,Field,Rule,Value,Message"
    assert lines[1].startswith("episodes.csv,2,C1,PLACE,146,Q1,")


def test_a_file_of_the_wrong_kind_is_a_clear_message(ada, submit):
    bad = SimpleUploadedFile("notes.csv", b"NAME,ADDRESS\r\nA,B\r\n", "text/csv")
    response = submit(ada, [bad])
    page = client_for(ada).get(response["Location"]).content.decode()
    assert "notes.csv" in page
    assert "Nothing was imported" in page


def test_the_form_says_what_is_missing(ada):
    response = client_for(ada).post(reverse("ssda903:imports"), {"year": "", "encoding": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the 903 files to import" in page
    assert "Select the collection year" in page


def test_only_admins_import_and_only_managers_and_admins_export(ivy, mona, ada):
    assert client_for(ivy).get(reverse("ssda903:imports")).status_code == 403
    assert client_for(mona).get(reverse("ssda903:imports")).status_code == 403
    assert client_for(ivy).get(reverse("ssda903:export")).status_code == 403
    assert client_for(mona).get(reverse("ssda903:export")).status_code == 200
    assert client_for(ada).get(reverse("ssda903:export")).status_code == 200


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_a_manager_downloads_the_years_return_as_four_tables(ada, mona, submit):
    submit(ada, uploads(children("C1", "C2")))
    response = client_for(mona).post(reverse("ssda903:export"), {"year": LABEL})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["episodes.csv", "header.csv", "reviews.csv", "uasc.csv"]
    assert AuditEvent.objects.filter(action=Action.EXPORT_903, user=mona).count() == 1


def test_the_command_imports_or_says_why_not(ada, tmp_path):
    for name, body in csv_files(children("C1")).items():
        (tmp_path / name).write_bytes(body)
    call_command("import_903", *sorted(tmp_path.iterdir()), "--year", LABEL)
    assert Child.objects.filter(child_ref="C1").exists()
    with pytest.raises(CommandError, match="2024-25"):
        call_command("import_903", *sorted(tmp_path.iterdir()), "--year", "2024-26")
    (tmp_path / "episodes.csv").write_bytes(b"CHILD,DECOM\r\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_903", *sorted(tmp_path.iterdir()), "--year", LABEL)


def test_a_manager_finds_the_return_from_the_annual_report_page(mona):
    page = client_for(mona).get(reverse("reporting:home")).content.decode()
    assert reverse("ssda903:export") in page
