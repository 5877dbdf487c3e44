"""Moderation: a change to a published standard is live only after another admin approves."""

import json

from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from service_catalog.forms import FileTypesWidget
from service_catalog.models import ServiceApprovalTask, ServicePage
from service_catalog.services import service_approve, service_submit
from tests.bontang import bontang_regions

from .factories import make_service, service_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db):
    bontang_regions()
    roles_sync_permissions()
    return {
        "penyusun": staff_create(username="penyusun", password="x", roles=[Role.PENYUSUN_STANDAR]),
        "admin1": staff_create(username="admin1", password="x", roles=[Role.ADMIN_PEMDA]),
        "admin2": staff_create(username="admin2", password="x", roles=[Role.ADMIN_PEMDA]),
    }


@pytest.fixture
def service(users):
    return make_service(code="skd", summary="Versi lama.")


def edited(service: ServicePage, summary: str) -> ServicePage:
    draft = service.get_latest_revision_as_object()
    draft.summary = summary
    return draft


def live_summary(code: str) -> str:
    return ServicePage.objects.get(code=code).summary


def edit_post(client, edit_url) -> dict:
    """The edit form of a page as the admin would post it back unchanged."""
    from wagtail.admin.rich_text import DraftailRichTextArea
    from wagtail.test.utils.form_data import rich_text

    form = client.get(edit_url).context["form"]
    post = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, DraftailRichTextArea):
            post[name] = rich_text(value or "")
        elif value is not None and value is not False:
            post[name] = value
    for prefix, formset in form.formsets.items():
        post.update({f"{prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for f in formset.forms:
            for name, field in f.fields.items():
                value = f[name].value()
                if isinstance(field.widget, FileTypesWidget):
                    value = json.loads(value or "[]")  # ticked boxes, not JSON text
                if value is not None and value is not False:
                    post[f.add_prefix(name)] = value
    return post


def test_catalog_pages_use_the_approval_workflow(service):
    workflow = service.get_workflow()
    assert workflow.name == "Persetujuan standar pelayanan"
    task = workflow.tasks.get().specific
    assert isinstance(task, ServiceApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == [Role.ADMIN_PEMDA]


def test_editor_may_edit_but_not_publish(service, users):
    permissions = service.permissions_for_user(users["penyusun"])
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_submitted_change_is_live_only_after_approval(service, users):
    service_submit(service=edited(service, "Versi baru."), user=users["penyusun"])
    assert live_summary("skd") == "Versi lama."
    page = ServicePage.objects.get(code="skd")
    assert page.workflow_in_progress
    assert page.has_unpublished_changes

    with pytest.raises(PermissionDenied):
        service_approve(service=page, user=users["penyusun"])
    service_approve(service=page, user=users["admin1"])

    page = ServicePage.objects.get(code="skd")
    assert page.summary == "Versi baru."
    assert not page.workflow_in_progress
    assert not page.has_unpublished_changes


def test_nobody_approves_their_own_submission(service, users):
    service_submit(service=edited(service, "Versi admin."), user=users["admin1"])
    page = ServicePage.objects.get(code="skd")
    task = page.current_workflow_task.specific
    assert task.get_actions(page, users["admin1"]) == []
    assert task.get_task_states_user_can_moderate(users["admin1"]).count() == 0
    assert task.get_task_states_user_can_moderate(users["admin2"]).count() == 1
    with pytest.raises(PermissionDenied):
        service_approve(service=page, user=users["admin1"])
    assert live_summary("skd") == "Versi lama."
    service_approve(service=page, user=users["admin2"])
    assert live_summary("skd") == "Versi admin."


def test_editor_submits_through_the_admin(client, service, users):
    client.force_login(users["penyusun"])
    url = reverse("wagtailadmin_pages:edit", args=[service.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="action-submit"' in response.content
    assert b'name="action-publish"' not in response.content


def test_approve_from_the_edit_page_issue_3(client, users):
    """A service submitted from the admin is approved from its edit page and goes live."""
    from service_catalog.services import catalog_index_ensure

    index = catalog_index_ensure()
    client.force_login(users["admin1"])
    url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
    data = service_post_data()
    response = client.post(url, {**data, "action-submit": "1"})
    assert response.status_code == 302
    page = ServicePage.objects.get(code="baru")
    assert page.workflow_in_progress and not page.live

    client.force_login(users["admin2"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    post = edit_post(client, edit_url)
    post.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    response = client.post(edit_url, post)
    assert response.status_code == 302, response.context["form"].errors
    page = ServicePage.objects.get(code="baru")
    assert page.live
    assert list(page.required_documents.values_list("key", flat=True)) == ["ktp"]


@pytest.mark.parametrize("who", ["admin1", "superuser"])
def test_nobody_publishes_a_standard_without_approval(client, service, users, who):
    from django.contrib.auth import get_user_model

    user = (
        get_user_model().objects.create_superuser("root", "root@example.com", "x")
        if who == "superuser"
        else users[who]
    )
    assert not service.permissions_for_user(user).can_publish()
    client.force_login(user)
    url = reverse("wagtailadmin_pages:edit", args=[service.pk])
    content = client.get(url).content
    assert b'name="action-publish"' not in content and b'name="action-submit"' in content
    # A forged publish does not go live.
    post = {**edit_post(client, url), "summary": "Versi tanpa persetujuan.", "action-publish": "1"}
    response = client.post(url, post)
    assert response.status_code == 302  # kept as a draft, not published
    assert live_summary("skd") == "Versi lama."
    assert ServicePage.objects.get(code="skd").has_unpublished_changes
