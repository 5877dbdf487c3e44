from django.db import migrations

ROLES = ["Admin Pemda", "Camat", "Petugas Loket", "Back Office", "PPID", "Evaluator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    # Permissions are granted by accounts.services.roles_sync_permissions after
    # every migrate, once all apps' permissions exist.
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
