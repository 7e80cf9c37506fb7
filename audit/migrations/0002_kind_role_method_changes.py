"""Each row says its kind (read, change, refusal), the user's role, method and changes."""

from django.db import migrations, models


def kinds_from_allowed(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEvent.objects.filter(allowed=False).update(kind="refusal")
    AuditEvent.objects.filter(allowed=True, action__endswith=".view").update(kind="read")
    AuditEvent.objects.filter(allowed=True).exclude(action__endswith=".view").update(kind="change")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="kind",
            field=models.CharField(choices=[("read", "Read"), ("change", "Change"), ("refusal", "Refused")], default="change", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="role",
            field=models.CharField(blank=True, max_length=100, verbose_name="Role at the time"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="method",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="page_view",
            field=models.UUIDField(blank=True, help_text="Shared by the rows one page view wrote", null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="changes",
            field=models.JSONField(blank=True, default=dict, help_text="Changed fields: before and after, or just changed"),
        ),
        migrations.RunPython(kinds_from_allowed, migrations.RunPython.noop),
        migrations.RemoveField(model_name="auditevent", name="allowed"),
        migrations.RenameIndex(model_name="auditevent", new_name="audit_child_at", old_name="children_au_child_i_159aee_idx"),
        migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_at")),
        migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["user", "-at"], name="audit_user_at")),
    ]
