"""An admin uploads a year's 903 files with an error, sees every problem, corrects the file
and uploads again; a real Celery worker runs both imports."""

import pytest
from playwright.sync_api import Page, expect

from children.models import Child
from tests.e2e.conftest import SHOTS, sign_in
from tests.e2e.test_accessibility import violations
from tests.ssda903.files import YEAR, children, csv_files

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LABEL = f"{YEAR}-{(YEAR + 1) % 100:02d}"


def upload(page: Page, tmp_path, data) -> None:
    paths = []
    for name, body in csv_files(data).items():
        (tmp_path / name).write_bytes(body)
        paths.append(str(tmp_path / name))
    page.get_by_label("903 files").set_input_files(paths)
    page.get_by_label("Collection year (1 April to 31 March)").select_option(LABEL)
    page.get_by_role("button", name="Import the files").click()


def test_an_admin_imports_files_with_an_error_then_the_corrected_files(
    page: Page, live_server, ada, start_celery_worker, tmp_path
) -> None:
    start_celery_worker()
    sign_in(page, live_server, ada.email)
    page.get_by_role("link", name="Import 903").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import 903 files")
    assert violations(page) == []

    # Nothing chosen: the error summary says what to do.
    page.get_by_role("button", name="Import the files").click()
    expect(page.get_by_role("link", name="Choose the 903 files to import")).to_be_visible()
    assert violations(page) == []

    wrong = children("C1", "C2")
    wrong["Episodes"][2]["LS"] = "Q9"
    upload(page, tmp_path, wrong)
    expect(page.get_by_text("Nothing was imported: the files have 1 problem")).to_be_visible(
        timeout=30_000
    )
    problems = page.get_by_role("table", name="Problems")
    expect(problems).to_contain_text("episodes.csv")
    expect(problems).to_contain_text("C2")
    expect(problems).to_contain_text("144")
    expect(problems).to_contain_text("Q9")
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "import-problems.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download every problem (CSV)").click()
    assert download_info.value.suggested_filename.startswith(f"903-import-{LABEL}-problems-")
    assert Child.objects.count() == 0

    page.get_by_role("link", name="Import the corrected files").click()
    upload(page, tmp_path, children("C1", "C2"))
    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("table", name="What the import added and changed")).to_contain_text(
        "Children"
    )
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "import-done.png"), full_page=True)
    assert Child.objects.count() == 2
