from django.db import migrations, models


def fill_digests(apps, schema_editor):
    # The helper, not a copy: it reads only the frozen schema and data passed to it.
    from forms_builder.models.application import applicant_nik_digest_for

    Application = apps.get_model("forms_builder", "Application")
    batch = []
    for application in Application.objects.select_related("form_version").iterator(
        chunk_size=500
    ):
        digest = applicant_nik_digest_for(application.form_version.schema, application.data or {})
        if digest:
            application.applicant_nik_digest = digest
            batch.append(application)
        if len(batch) >= 500:
            Application.objects.bulk_update(batch, ["applicant_nik_digest"])
            batch = []
    Application.objects.bulk_update(batch, ["applicant_nik_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("forms_builder", "0006_tracking_code_instance_prefix"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="applicant_nik_digest",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=64,
                verbose_name="applicant NIK digest",
            ),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
