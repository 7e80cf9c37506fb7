"""AuditEvent as it stood in the children app, taken over without touching the table."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("children", "0003_move_auditevent_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("action", models.CharField(max_length=50)),
                        ("object_type", models.CharField(blank=True, max_length=50)),
                        ("object_id", models.CharField(blank=True, max_length=50)),
                        ("allowed", models.BooleanField(default=True)),
                        ("path", models.CharField(blank=True, max_length=300)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        ("child", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="audit_events", to="children.child")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="audit_events", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "audit_auditevent",
                        "ordering": ["-at"],
                        "indexes": [models.Index(fields=["child", "-at"], name="children_au_child_i_159aee_idx")],
                    },
                ),
            ],
        ),
    ]
