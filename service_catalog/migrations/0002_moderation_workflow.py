"""Moderation of the service standards: the workflow "Persetujuan standar pelayanan".

One task, approved by the "Admin Pemda" group (never by the person who submitted,
see ``ServiceApprovalTask``), assigned to the tree root (in place of Wagtail's default "Moderators approval") so
that every page below it, the service catalog included, goes through it when
submitted for moderation.
Idempotent; reversing removes the workflow and its task.
"""

from django.db import migrations

WORKFLOW_NAME = "Persetujuan standar pelayanan"
TASK_NAME = "Persetujuan Admin Pemda"
APPROVER_GROUP = "Admin Pemda"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    ServiceApprovalTask = apps.get_model("service_catalog", "ServiceApprovalTask")

    content_type, _created = ContentType.objects.get_or_create(
        app_label="service_catalog", model="serviceapprovaltask"
    )
    group, _created = Group.objects.get_or_create(name=APPROVER_GROUP)
    task = ServiceApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = ServiceApprovalTask.objects.create(
            name=TASK_NAME, active=True, content_type=content_type
        )
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": 0})
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        # Replaces Wagtail's default "Moderators approval" on the root: our approvers
        # are the role groups, not Wagtail's "Moderators".
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    ServiceApprovalTask = apps.get_model("service_catalog", "ServiceApprovalTask")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    ServiceApprovalTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("service_catalog", "0001_initial"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
