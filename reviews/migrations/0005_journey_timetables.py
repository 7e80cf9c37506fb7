"""Reviews through a child's whole journey (issue 8).

Short-break reviews (reg. 48) are told apart by `regime`; a due date the history held cannot
establish is stored as unknown (null) rather than a placeholder; RAG follow-ups can end when
care ends; a booking after the due date keeps its reason; one review in hand per period and
one held a day per child. Existing rows are kept: placeholder due dates are recounted as
unknown (docs/decisions/0010) and a cancelled review with no reason says so.
"""

from django.conf import settings
from django.db import migrations, models

HELD = ("draft", "final")
NO_REASON = "Reason not recorded"


def cancelled_reviews_say_why(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Review.objects.filter(status="cancelled", cancelled_reason="").update(cancelled_reason=NO_REASON)


def refuse_two_reviews_held_on_one_day(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    seen, clashes = set(), []
    for child_id, held_on in Review.objects.filter(status__in=HELD, held_on__isnull=False).values_list(
        "child_id", "held_on"
    ):
        if (child_id, held_on) in seen:
            clashes.append(f"child {child_id} on {held_on}")
        seen.add((child_id, held_on))
    if clashes:
        raise RuntimeError(
            "Two reviews of a child are recorded as held on one day; correct them by hand "
            "before migrating: " + ", ".join(clashes[:20])
        )


def unknown_due_dates_are_unknown(apps, schema_editor):
    """A review of a period that began before the earliest episode held, with fewer than two
    reviews of the period held before it, has no due date the history can establish."""
    Episode = apps.get_model("children", "Episode")
    PeriodOfCare = apps.get_model("children", "PeriodOfCare")
    Review = apps.get_model("reviews", "Review")
    earliest = {}
    for child_id, start in Episode.objects.values_list("child_id", "start_date"):
        earliest[child_id] = min(start, earliest.get(child_id, start))
    for period in PeriodOfCare.objects.all().iterator():
        history_from = earliest.get(period.child_id)
        if history_from is None or period.start_date >= history_from:
            continue
        reviews = list(Review.objects.filter(period_id=period.pk))
        held = sorted(r.held_on for r in reviews if r.status in HELD and r.held_on)
        for review in reviews:
            before = [d for d in held if review.held_on is None or d < review.held_on]
            if len(before) < 2 and review.due_date is not None:
                review.due_date = review.counted_from = None
                review.kind = "unknown"
                review.save(update_fields=["due_date", "counted_from", "kind"])



class Migration(migrations.Migration):

    dependencies = [
        ('children', '0004_shared_core'),
        ('reviews', '0004_bounded_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='review',
            name='final_late_review_has_a_reason',
        ),
        migrations.RemoveConstraint(
            model_name='review',
            name='one_open_review_per_child',
        ),
        migrations.AddField(
            model_name='ragrating',
            name='follow_up_ended_on',
            field=models.DateField(blank=True, null=True, verbose_name='Follow-up ended on'),
        ),
        migrations.AddField(
            model_name='ragrating',
            name='follow_up_ended_reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='Why the follow-up ended'),
        ),
        migrations.AddField(
            model_name='review',
            name='late_schedule_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='Why it is booked after its due date or in the past'),
        ),
        migrations.AddField(
            model_name='review',
            name='regime',
            field=models.CharField(choices=[('reg33', 'Looked-after review (reg. 33)'), ('short_breaks', 'Short-break review (reg. 48)')], default='reg33', max_length=12, verbose_name='Timetable'),
        ),
        migrations.AlterField(
            model_name='review',
            name='counted_from',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='review',
            name='due_date',
            field=models.DateField(blank=True, help_text='Latest date allowed by reg. 33 (or 48); empty when the history held cannot establish it', null=True),
        ),
        migrations.AlterField(
            model_name='review',
            name='kind',
            field=models.CharField(choices=[('first', 'First review'), ('second', 'Second review'), ('later', 'Later review'), ('unknown', 'Review (which one is not known)')], max_length=10),
        ),
        migrations.RunPython(cancelled_reviews_say_why, migrations.RunPython.noop),
        migrations.RunPython(refuse_two_reviews_held_on_one_day, migrations.RunPython.noop),
        migrations.RunPython(unknown_due_dates_are_unknown, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='ragrating',
            constraint=models.CheckConstraint(condition=models.Q(('followed_up_on__isnull', True), ('follow_up_ended_on__isnull', True), _connector='OR'), name='rag_follow_up_done_or_ended_not_both'),
        ),
        migrations.AddConstraint(
            model_name='ragrating',
            constraint=models.CheckConstraint(condition=models.Q(('follow_up_ended_on__isnull', True), models.Q(('follow_up_ended_reason', ''), _negated=True), _connector='OR'), name='rag_ended_follow_up_has_a_reason'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(('held_on__isnull', True), ('due_date__isnull', True), ('held_on__lte', models.F('due_date')), models.Q(('status', 'final'), _negated=True), models.Q(('late_reason', ''), _negated=True), _connector='OR'), name='final_late_review_has_a_reason'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('counted_from__isnull', True), ('due_date__isnull', True)), models.Q(('counted_from__isnull', False), ('due_date__isnull', False)), _connector='OR'), name='review_due_date_and_counted_from_known_together'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(('due_date__isnull', False), ('kind', 'unknown'), _connector='OR'), name='review_of_known_kind_has_a_due_date'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), models.Q(('cancelled_reason', ''), _negated=True), _connector='OR'), name='cancelled_review_has_a_reason', violation_error_message='Enter why the review is cancelled'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['scheduled', 'draft'])), fields=('period',), name='one_open_review_per_period'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['draft', 'final'])), fields=('child', 'held_on'), name='one_review_held_per_child_per_day', violation_error_message='Two reviews of a child cannot be held on one day'),
        ),
    ]
