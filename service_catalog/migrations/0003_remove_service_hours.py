"""Service hours have one source: the site settings (or a kecamatan office's own).

A catalog whose services all carried the same hours keeps them as the site's hours.
"""

import re

from django.db import migrations

ZONE_SUFFIX = re.compile(r"\s*\b(WIB|WITA|WIT)\s*$")


def hours_to_site_settings(apps, schema_editor):
    ServicePage = apps.get_model("service_catalog", "ServicePage")
    SiteSettings = apps.get_model("paten_site", "SiteSettings")
    values = {
        value.strip()
        for value in ServicePage.objects.values_list("service_hours", flat=True)
        if value and value.strip()
    }
    if len(values) != 1:
        return
    # The zone is added on display from the installation's time zone.
    hours = ZONE_SUFFIX.sub("", values.pop())
    lines = "\n".join(part.strip() for part in hours.split(",") if part.strip())
    SiteSettings.objects.filter(service_hours="").update(service_hours=lines)


class Migration(migrations.Migration):
    dependencies = [
        ("service_catalog", "0002_moderation_workflow"),
        ("paten_site", "0003_kecamatan_office_service_hours"),
    ]

    operations = [
        migrations.RunPython(hours_to_site_settings, migrations.RunPython.noop),
        migrations.RemoveField(model_name="servicepage", name="service_hours"),
    ]
