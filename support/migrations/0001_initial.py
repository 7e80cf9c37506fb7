"""The support records as they stood in the reviews app, taken over without touching a table.

Their tables were renamed to support_<model> by reviews 0003, the default names here.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

METHODS = [
    ("face_to_face", "Face to face"),
    ("phone", "Phone call"),
    ("text", "Text message"),
    ("letter", "Letter or card"),
    ("video", "Video call"),
    ("email", "Email"),
]


def record_fields() -> list[tuple[str, models.Field]]:
    """The Record base's columns, as every support table has them."""
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("created_at", models.DateTimeField(auto_now_add=True)),
        ("modified_at", models.DateTimeField(auto_now=True)),
        ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
        ("version", models.PositiveIntegerField(default=1, editable=False)),
        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
        ("modified_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
    ]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reviews", "0003_move_support_out"),
        ("children", "0004_shared_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="InContactPlan",
                    fields=[
                        *record_fields(),
                        ("agreed_on", models.DateField(verbose_name="Date agreed")),
                        ("methods", models.JSONField(default=list, verbose_name="How we keep in touch")),
                        ("every_weeks", models.PositiveSmallIntegerField(verbose_name="How often, in weeks")),
                        ("childs_words", models.TextField(blank=True, verbose_name="In the child's own words")),
                        ("ended_on", models.DateField(blank=True, null=True)),
                        ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="contact_plans", to="children.child")),
                    ],
                    options={
                        "ordering": ["-agreed_on", "-created_at"],
                        "constraints": [
                            models.UniqueConstraint(condition=models.Q(("ended_on__isnull", True)), fields=("child",), name="one_current_contact_plan"),
                            models.CheckConstraint(condition=models.Q(("every_weeks__gte", 1)), name="contact_plan_every_weeks_positive"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ContactLog",
                    fields=[
                        *record_fields(),
                        ("contacted_on", models.DateField(verbose_name="Date of contact")),
                        ("method", models.CharField(choices=METHODS, max_length=12)),
                        ("note", models.TextField(blank=True)),
                        ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="contacts", to="children.child")),
                        ("plan", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="contacts", to="support.incontactplan")),
                    ],
                    options={
                        "ordering": ["-contacted_on", "-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="IndependentVisitor",
                    fields=[
                        *record_fields(),
                        ("full_name", models.CharField(max_length=150)),
                        ("approved_on", models.DateField(blank=True, null=True, verbose_name="Date approved")),
                        ("checks_on", models.DateField(blank=True, null=True, verbose_name="Date of DBS and reference checks")),
                        ("status", models.CharField(choices=[("recruiting", "In recruitment"), ("active", "Active"), ("paused", "Paused"), ("left", "Left the scheme")], default="recruiting", max_length=10)),
                        ("notes", models.TextField(blank=True)),
                    ],
                    options={
                        "ordering": ["full_name"],
                        "indexes": [models.Index(fields=["approved_on"], name="reviews_ind_approve_112bee_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="IvMatch",
                    fields=[
                        *record_fields(),
                        ("started_on", models.DateField(verbose_name="Match started on")),
                        ("ended_on", models.DateField(blank=True, null=True, verbose_name="Match ended on")),
                        ("end_reason", models.CharField(blank=True, max_length=150)),
                        ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="iv_matches", to="children.child")),
                        ("visitor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="matches", to="support.independentvisitor")),
                    ],
                    options={
                        "ordering": ["-started_on"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("ended_on__isnull", True), ("ended_on__gte", models.F("started_on")), _connector="OR"), name="iv_match_ends_after_it_starts"),
                            models.UniqueConstraint(condition=models.Q(("ended_on__isnull", True)), fields=("child",), name="one_open_iv_match_per_child"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="IvReferral",
                    fields=[
                        *record_fields(),
                        ("referred_on", models.DateField(verbose_name="Date referred")),
                        ("closed_on", models.DateField(blank=True, null=True)),
                        ("closed_reason", models.CharField(blank=True, max_length=150)),
                        ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="iv_referrals", to="children.child")),
                    ],
                    options={
                        "ordering": ["referred_on"],
                        "constraints": [
                            models.UniqueConstraint(condition=models.Q(("closed_on__isnull", True)), fields=("child",), name="one_waiting_iv_referral"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AdvocacyReferral",
                    fields=[
                        *record_fields(),
                        ("referred_on", models.DateField(verbose_name="Date referred")),
                        ("reason", models.TextField()),
                        ("organisation", models.CharField(max_length=150)),
                        ("outcome", models.CharField(choices=[("pending", "Waiting for a response"), ("accepted", "Advocate allocated"), ("declined", "Child declined"), ("completed", "Advocacy completed"), ("withdrawn", "Referral withdrawn")], default="pending", max_length=10)),
                        ("outcome_on", models.DateField(blank=True, null=True, verbose_name="Date of outcome")),
                        ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="advocacy_referrals", to="children.child")),
                        ("review", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="advocacy_referrals", to="reviews.review")),
                    ],
                    options={
                        "ordering": ["-referred_on", "-created_at"],
                        "indexes": [models.Index(fields=["referred_on"], name="reviews_adv_referre_d9742a_idx")],
                    },
                ),
            ],
        ),
    ]
