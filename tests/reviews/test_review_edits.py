"""Edits to reviews, decisions and oversight: stale saves, bounds on input, and the audit."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent, Kind
from children.models import Child
from iro_service.models import User
from reviews import services
from reviews.models import Decision, OversightNote, RagRating, Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import LATE_BOOKING, date_fields, record_data, text

CONFLICT = "Someone else saved a change to this {what} while you were editing"
LONG_NUMBER = "99999999999999999999"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(
        datetime(2024, 6, 3, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        yield


@pytest.fixture
def child(ivy: User) -> Child:
    """Born 17 May 2012, in care since 3 April 2023."""
    return factories.looked_after_child(
        iro=ivy, first_name="Amy", last_name="Own", date_of_birth=date(2012, 5, 17)
    )


@pytest.fixture
def review(ivy: User, child: Child) -> Review:
    """A review scheduled for Monday 10 June 2024 at 10:30, at version 1."""
    return services.review_schedule(
        by=ivy,
        child=child,
        scheduled_for=datetime(2024, 6, 10, 10, 30, tzinfo=timezone.get_current_timezone()),
        format="in_person",
        late_schedule_reason=LATE_BOOKING["late_schedule_reason"],
    )


@pytest.fixture
def decision(ivy: User, child: Child) -> Decision:
    held = factories.held_review(child, held_on=date(2024, 5, 1))
    return services.decision_add(
        by=ivy,
        review=held,
        text="Book a dental check",
        owner="Foster carer",
        due_date=date(2024, 7, 1),
    )


def schedule_on(client, child: Child, **boxes: str):
    return client.post(
        reverse("reviews:schedule", args=[child.public_id]),
        {**boxes, "start_time": "10:30", "format": "in_person", **LATE_BOOKING},
    )


# Two people editing the same record ------------------------------------------------------


def test_second_editor_of_a_decision_gets_a_conflict_and_the_first_change_stands(
    ivy, mona, decision
) -> None:
    url = reverse("reviews:decision_update", args=[decision.public_id])
    for person in (ivy, mona):  # both open the form at version 1
        assert 'name="version" value="1"' in client_for(person).get(url).content.decode()
    first = client_for(ivy).post(
        url, {"version": "1", "status": "done", **date_fields("completed_on", date(2024, 6, 1))}
    )
    second = client_for(mona).post(
        url, {"version": "1", "status": "dropped", **date_fields("completed_on", date(2024, 6, 2))}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert CONFLICT.format(what="decision") in text(second)
    assert 'name="version" value="2"' in second.content.decode()
    decision.refresh_from_db()
    assert (decision.status, decision.completed_on, decision.version) == (
        "done",
        date(2024, 6, 1),
        2,
    )


STALE_EDITS = [
    pytest.param(
        "rearrange",
        {
            **date_fields("date", date(2024, 6, 12)),
            "start_time": "14:00",
            "reason": "Carer ill",
            **LATE_BOOKING,
        },
        id="rearrange",
    ),
    pytest.param("cancel", {"reason": "Child moved away"}, id="cancel"),
    pytest.param("pre_meeting", date_fields("done_on", date(2024, 6, 3)), id="pre-meeting"),
]


@pytest.mark.parametrize(("name", "data"), STALE_EDITS)
def test_a_stale_change_to_a_scheduled_review_answers_409_and_overwrites_nothing(
    ivy, mona, review, name, data
) -> None:
    moved = client_for(mona).post(
        reverse("reviews:rearrange", args=[review.public_id]),
        {
            "version": "1",
            **date_fields("date", date(2024, 6, 11)),
            "start_time": "09:00",
            "reason": "Manager moved it",
            **LATE_BOOKING,
        },
    )
    stale = client_for(ivy).post(
        reverse(f"reviews:{name}", args=[review.public_id]), {"version": "1", **data}
    )
    assert moved.status_code == 302
    assert stale.status_code == 409
    assert CONFLICT.format(what="review") in text(stale)
    review.refresh_from_db()
    assert (review.status, review.rearranged_reason, review.pre_meeting_done_on) == (
        "scheduled",
        "Manager moved it",
        None,
    )
    assert timezone.localtime(review.scheduled_for).date() == date(2024, 6, 11)


def test_finalising_a_record_someone_has_changed_since_answers_409(ivy, mona, child) -> None:
    draft = factories.held_review(
        child, held_on=date(2024, 5, 30), status="draft", late_reason="other"
    )
    changed = client_for(mona).post(
        reverse("reviews:record", args=[draft.public_id]),
        record_data(draft, late_reason="other", summary="Manager's summary"),
    )
    stale = client_for(ivy).post(
        reverse("reviews:finalise", args=[draft.public_id]), {"version": "1", "rating": "green"}
    )
    assert changed.status_code == 302
    assert stale.status_code == 409
    draft.refresh_from_db()
    assert (draft.status, draft.summary) == ("draft", "Manager's summary")
    assert not RagRating.objects.exists()


def test_saving_a_review_gives_it_exactly_one_new_version(ivy, review) -> None:
    services.review_cancel(by=ivy, review=review, version=1, reason="Child moved away")
    review.refresh_from_db()
    assert review.version == 2


# Bounds on text ----------------------------------------------------------------------------


def test_a_1_mb_oversight_note_is_refused_with_its_maximum_length(ivy, child) -> None:
    response = client_for(ivy).post(
        reverse("reviews:oversight_add", args=[child.public_id]),
        {
            **date_fields("noted_on", date(2024, 6, 1)),
            "kind": "file_check",
            "text": "x" * 1_000_000,
        },
    )
    assert response.status_code == 200
    assert "The note must be 10,000 characters or less" in text(response)
    assert not OversightNote.objects.exists()


def test_the_oversight_service_refuses_an_overlong_note_from_any_caller(ivy, child) -> None:
    with pytest.raises(ValidationError) as refused:
        services.oversight_note_add(
            by=ivy, child=child, noted_on=date(2024, 6, 1), kind="file_check", text="x" * 10_001
        )
    assert "text" in refused.value.message_dict
    assert not OversightNote.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param(
            "decision_add",
            {
                "text": "x" * 2_001,
                "owner": "Social worker",
                **date_fields("due_date", date(2024, 7, 1)),
            },
            "The decision or recommendation must be 2,000 characters or less",
            id="decision",
        ),
        pytest.param(
            "decision_add",
            {"text": "Book it", "owner": "x" * 151, **date_fields("due_date", date(2024, 7, 1))},
            "Who will do it must be 150 characters or less",
            id="decision-owner",
        ),
        pytest.param(
            "cancel",
            {"version": "1", "reason": "x" * 301},
            "The reason must be 300 characters or less",
            id="cancel-reason",
        ),
        pytest.param(
            "rearrange",
            {
                "version": "1",
                **date_fields("date", date(2024, 6, 12)),
                "start_time": "10:00",
                "reason": "x" * 301,
                **LATE_BOOKING,
            },
            "The reason must be 300 characters or less",
            id="rearrange-reason",
        ),
    ],
)
def test_overlong_text_on_a_review_is_refused_with_its_maximum_length(
    ivy, review, name, data, message
) -> None:
    response = client_for(ivy).post(reverse(f"reviews:{name}", args=[review.public_id]), data)
    assert response.status_code == 200
    assert message in text(response)
    review.refresh_from_db()
    assert (review.version, review.status) == (1, "scheduled")
    assert not Decision.objects.exists()


def test_an_overlong_review_summary_is_refused_with_its_maximum_length(ivy, review) -> None:
    response = client_for(ivy).post(
        reverse("reviews:record", args=[review.public_id]),
        record_data(review, summary="x" * 10_001),
    )
    assert "The summary must be 10,000 characters or less" in text(response)
    review.refresh_from_db()
    assert review.held_on is None


def test_an_overlong_rating_reason_is_refused_with_its_maximum_length(ivy, child) -> None:
    draft = factories.held_review(child, held_on=date(2024, 5, 30), status="draft")
    response = client_for(ivy).post(
        reverse("reviews:finalise", args=[draft.public_id]),
        {"version": "1", "rating": "green", "rating_reason": "x" * 2_001},
    )
    assert "Why this rating must be 2,000 characters or less" in text(response)
    assert not RagRating.objects.exists()


# Bounds on dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("box", ["date_0", "date_1", "date_2"])
def test_a_long_number_in_a_schedule_date_box_gives_the_gov_uk_error(ivy, child, box) -> None:
    boxes = {**date_fields("date", date(2024, 6, 10)), box: LONG_NUMBER}
    response = schedule_on(client_for(ivy), child, **boxes)
    assert response.status_code == 200
    assert "The date of the review must be a real date" in text(response)
    assert not Review.objects.exists()


def test_a_review_cannot_be_scheduled_for_31_december_9999(ivy, child) -> None:
    response = schedule_on(client_for(ivy), child, **date_fields("date", date(9999, 12, 31)))
    assert response.status_code == 200
    assert "The date of the review must be the same as or before 3 June 2025" in text(response)
    assert not Review.objects.exists()


def test_a_review_cannot_be_rearranged_to_31_december_9999(ivy, review) -> None:
    response = client_for(ivy).post(
        reverse("reviews:rearrange", args=[review.public_id]),
        {
            "version": "1",
            **date_fields("date", date(9999, 12, 31)),
            "start_time": "10:00",
            "reason": "x",
        },
    )
    assert "The date of the review must be the same as or before 3 June 2025" in text(response)
    review.refresh_from_db()
    assert review.version == 1


def test_a_review_can_be_scheduled_up_to_a_year_ahead(ivy, child) -> None:
    response = schedule_on(client_for(ivy), child, **date_fields("date", date(2025, 6, 3)))
    assert response.status_code == 302
    assert Review.objects.get().scheduled_for.date() == date(2025, 6, 3)


def test_the_schedule_service_refuses_a_date_more_than_a_year_ahead_from_any_caller(
    ivy, child, review
) -> None:
    far = datetime(2025, 6, 4, 10, 0, tzinfo=timezone.get_current_timezone())
    with pytest.raises(ValidationError, match="must be the same as or before 3 June 2025"):
        services.review_rearrange(by=ivy, review=review, version=1, scheduled_for=far, reason="x")
    review.delete()
    with pytest.raises(ValidationError, match="must be the same as or before 3 June 2025"):
        services.review_schedule(by=ivy, child=child, scheduled_for=far, format="in_person")


def test_a_review_held_before_the_child_was_born_is_refused(ivy, review) -> None:
    response = client_for(ivy).post(
        reverse("reviews:record", args=[review.public_id]),
        record_data(review, **date_fields("held_on", date(2011, 1, 4))),
    )
    assert "The date held must be on or after the child became looked after" in text(response)
    review.refresh_from_db()
    assert review.held_on is None


def test_no_review_date_can_fall_before_the_child_was_born(review) -> None:
    review.held_on = review.pre_meeting_done_on = date(2012, 5, 16)
    with pytest.raises(ValidationError) as refused:
        review.full_clean()
    assert refused.value.message_dict["held_on"] == [
        "Date held must be on or after the child's date of birth"
    ]
    assert "pre_meeting_done_on" in refused.value.message_dict


def test_no_oversight_note_can_be_dated_before_the_child_was_born(ivy, child) -> None:
    note = OversightNote(
        child=child, author=ivy, noted_on=date(2012, 5, 16), kind="file_check", text="x"
    )
    with pytest.raises(ValidationError) as refused:
        note.full_clean()
    assert refused.value.message_dict["noted_on"] == [
        "Date must be on or after the child's date of birth"
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param(
            "record",
            None,  # filled in from the review below
            "The date the review was held must be today or in the past",
            id="held-tomorrow",
        ),
        pytest.param(
            "pre_meeting",
            {"version": "1", **date_fields("done_on", date(2024, 6, 4))},
            "The date of the pre-meeting oversight must be today or in the past",
            id="pre-meeting-tomorrow",
        ),
        pytest.param(
            "decision_add",
            {"text": "Book it", "owner": "Carer", **date_fields("due_date", date(9999, 12, 31))},
            "The date it must be done by must be the same as or before 3 June 2026",
            id="decision-due-9999",
        ),
    ],
)
def test_dates_outside_what_a_review_allows_are_refused(ivy, review, name, data, message) -> None:
    if data is None:
        data = record_data(review, **date_fields("held_on", date(2024, 6, 4)))
    response = client_for(ivy).post(reverse(f"reviews:{name}", args=[review.public_id]), data)
    assert response.status_code == 200
    assert message in text(response)
    review.refresh_from_db()
    assert review.version == 1
    assert not Decision.objects.exists()


def test_an_oversight_note_dated_tomorrow_is_refused(ivy, child) -> None:
    response = client_for(ivy).post(
        reverse("reviews:oversight_add", args=[child.public_id]),
        {**date_fields("noted_on", date(2024, 6, 4)), "kind": "file_check", "text": "Checked"},
    )
    assert "The date of the oversight must be today or in the past" in text(response)
    assert not OversightNote.objects.exists()


def test_a_decision_cannot_be_marked_done_tomorrow(ivy, decision) -> None:
    response = client_for(ivy).post(
        reverse("reviews:decision_update", args=[decision.public_id]),
        {"version": "1", "status": "done", **date_fields("completed_on", date(2024, 6, 4))},
    )
    assert "The date it was done must be today or in the past" in text(response)
    with pytest.raises(ValidationError, match="The date it was done must be today or in the past"):
        services.decision_set_status(
            by=ivy, decision=decision, version=1, status="done", completed_on=date(2024, 6, 4)
        )
    decision.refresh_from_db()
    assert decision.status == "open"


# The audit trail ---------------------------------------------------------------------------


def test_the_caseload_writes_one_read_row_for_each_child_it_shows(
    ivy, ivys_child, ians_child
) -> None:
    response = client_for(ivy).get(reverse("reviews:caseload"))
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(action=Action.CASELOAD_VIEW)
    assert [(row.child, row.kind, row.user) for row in rows] == [(ivys_child, Kind.READ, ivy)]
    assert rows.get().path == reverse("reviews:caseload")


def test_the_caseload_rows_of_one_page_view_share_a_page_view_id(ivy, ivys_child) -> None:
    factories.looked_after_child(iro=ivy)
    client_for(ivy).get(reverse("reviews:caseload"), {"sort": "name"})
    rows = AuditEvent.objects.filter(action=Action.CASELOAD_VIEW)
    assert rows.count() == 2
    assert len({row.page_view for row in rows}) == 1
    assert all("sort" not in row.path for row in rows)


def test_a_role_without_a_caseload_is_refused_it_and_the_refusal_is_audited(ada) -> None:
    assert client_for(ada).get(reverse("reviews:caseload")).status_code == 403
    refusal = AuditEvent.objects.get(user=ada)
    assert refusal.kind == Kind.REFUSAL


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("detail", Action.REVIEW_VIEW),
        ("record", Action.REVIEW_RECORD),
        ("rearrange", Action.REVIEW_REARRANGE),
        ("cancel", Action.REVIEW_CANCEL),
        ("pre_meeting", Action.REVIEW_PRE_MEETING),
        ("decision_add", Action.DECISION_ADD),
    ],
)
def test_every_review_page_writes_a_read_row_for_the_child(ivy, review, name, action) -> None:
    assert (
        client_for(ivy).get(reverse(f"reviews:{name}", args=[review.public_id])).status_code == 200
    )
    read = AuditEvent.objects.get(kind=Kind.READ)
    assert (read.action, read.child, read.object_id) == (
        action,
        review.child,
        str(review.public_id),
    )


def test_the_timeline_and_decision_pages_write_a_read_row_for_the_child(
    ivy, child, decision
) -> None:
    client = client_for(ivy)
    client.get(reverse("reviews:timeline", args=[child.public_id]))
    client.get(reverse("reviews:decision_update", args=[decision.public_id]))
    reads = AuditEvent.objects.filter(kind=Kind.READ).order_by("at")
    assert [(row.action, row.child) for row in reads] == [
        (Action.TIMELINE_VIEW, child),
        (Action.DECISION_UPDATE, child),
    ]


def test_rearranging_audits_the_date_before_and_after_but_not_the_reason_text(ivy, review) -> None:
    client_for(ivy).post(
        reverse("reviews:rearrange", args=[review.public_id]),
        {
            "version": "1",
            **date_fields("date", date(2024, 6, 12)),
            "start_time": "14:00",
            "reason": "Carer in hospital",
            **LATE_BOOKING,
        },
    )
    change = AuditEvent.objects.get(kind=Kind.CHANGE, action=Action.REVIEW_REARRANGE)
    moved = {
        when: datetime.fromisoformat(day) for when, day in change.changes["scheduled_for"].items()
    }
    assert moved == {
        "before": review.scheduled_for,
        "after": datetime(2024, 6, 12, 14, 0, tzinfo=timezone.get_current_timezone()),
    }
    assert change.changes["rearranged_reason"] == {"changed": True}
    assert "Carer in hospital" not in str(change.changes) + str(change.detail)
    assert (change.method, change.path) == (
        "POST",
        reverse("reviews:rearrange", args=[review.public_id]),
    )


def test_a_decision_update_audits_its_status_before_and_after(ivy, decision) -> None:
    services.decision_set_status(
        by=ivy, decision=decision, version=1, status="done", completed_on=date(2024, 6, 1)
    )
    change = AuditEvent.objects.get(kind=Kind.CHANGE, action=Action.DECISION_UPDATE)
    assert change.changes == {
        "status": {"before": "open", "after": "done"},
        "completed_on": {"before": None, "after": "2024-06-01"},
    }


def test_a_review_form_page_names_the_child_and_says_when_the_review_is_due(ivy, review) -> None:
    page = text(client_for(ivy).get(reverse("reviews:record", args=[review.public_id])))
    assert "Amy Own" in page
    assert ": first review" in page
    assert "Due by 4 May 2023 (first review, counted from 3 April 2023)" in page
    assert page.count("<h1") == 1
