from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_record, audit_seal_all

pytestmark = pytest.mark.django_db

accounts = pytest.importorskip("paten.accounts.services")


@pytest.fixture
def events(bontang):
    return {
        "utara": audit_record(actor=None, action="test.utara", kecamatan="64.74.01"),
        "selatan": audit_record(actor=None, action="test.selatan", kecamatan="64.74.02"),
        "pemda": audit_record(actor=None, action="test.pemda_wide"),
    }


def camat(username: str, kecamatan: str):
    from paten.accounts.constants import Role

    accounts.roles_sync_permissions()
    return accounts.staff_create(
        username=username, password="x", roles=[Role.CAMAT], kecamatan=[kecamatan]
    )


def listed_actions(client) -> set[str]:
    response = client.get(reverse("audit_event:index"))
    assert response.status_code == 200
    return {event.action for event in response.context["object_list"]}


class TestAuditEventAdmin:
    def test_listing_renders(self, client, superuser, events):
        client.force_login(superuser)
        response = client.get(reverse("audit_event:index"))
        assert response.status_code == 200
        assert b"test.selatan" in response.content

    def test_inspect_renders(self, client, superuser, events):
        audit_seal_all()
        client.force_login(superuser)
        response = client.get(reverse("audit_event:inspect", args=[events["utara"].pk]))
        assert response.status_code == 200
        stored = AuditEvent.objects.get(pk=events["utara"].pk)
        assert stored.hash.encode() in response.content

    def test_no_add_edit_delete_urls(self, client, superuser, events):
        for name, args in (
            ("add", []),
            ("edit", [events["utara"].pk]),
            ("delete", [events["utara"].pk]),
        ):
            with pytest.raises(NoReverseMatch):
                reverse(f"audit_event:{name}", args=args)
        client.force_login(superuser)
        pk = events["utara"].pk
        for url in (
            "/admin/audit_event/new/",
            f"/admin/audit_event/edit/{pk}/",
            f"/admin/audit_event/delete/{pk}/",
        ):
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
        assert AuditEvent.objects.count() == 3

    def test_listing_has_no_edit_or_delete_links(self, client, superuser, events):
        client.force_login(superuser)
        content = client.get(reverse("audit_event:index")).content.decode()
        assert "/admin/audit_event/edit/" not in content
        assert "/admin/audit_event/delete/" not in content
        assert "/admin/audit_event/new/" not in content

    def test_filter_by_action(self, client, superuser, events):
        client.force_login(superuser)
        response = client.get(reverse("audit_event:index"), {"action": "test.utara"})
        assert {e.action for e in response.context["object_list"]} == {"test.utara"}

    def test_filter_by_kecamatan(self, client, superuser, events):
        client.force_login(superuser)
        response = client.get(reverse("audit_event:index"), {"kecamatan": "64.74.02"})
        assert {e.action for e in response.context["object_list"]} == {"test.selatan"}

    def test_filter_by_date(self, client, superuser, events):
        client.force_login(superuser)
        # The filter takes local dates: between 17:00 and 24:00 UTC it is already
        # tomorrow in Asia/Jakarta.
        today = timezone.localtime(events["utara"].timestamp).date().isoformat()
        index = reverse("audit_event:index")
        response = client.get(index, {"timestamp_from": today, "timestamp_to": today})
        assert len(response.context["object_list"]) == 3
        response = client.get(index, {"timestamp_from": "2000-01-01", "timestamp_to": "2000-01-02"})
        assert len(response.context["object_list"]) == 0

    def test_search_by_action(self, client, superuser, events):
        client.force_login(superuser)
        response = client.get(reverse("audit_event:index"), {"q": "selatan"})
        assert {e.action for e in response.context["object_list"]} == {"test.selatan"}

    def test_kecamatan_user_sees_only_their_kecamatan(self, client, events):
        client.force_login(camat("camat.utara", "64.74.01"))
        actions = listed_actions(client)
        assert "test.utara" in actions
        assert "test.selatan" not in actions
        assert "test.pemda_wide" not in actions

    def test_kecamatan_user_cannot_inspect_other_kecamatan(self, client, events):
        client.force_login(camat("camat.utara", "64.74.01"))
        url = reverse("audit_event:inspect", args=[events["selatan"].pk])
        assert client.get(url).status_code == 404
        url = reverse("audit_event:inspect", args=[events["utara"].pk])
        assert client.get(url).status_code == 200

    def test_user_without_view_permission_is_refused(self, client, events):
        from wagtail.models import GroupPagePermission  # noqa: F401 - admin app loaded

        user = get_user_model().objects.create_user(username="plain", password="x")
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
        response = client.get(reverse("audit_event:index"))
        assert response.status_code == 302


class TestAuditChainsAdmin:
    def test_chains_page_shows_size_checkpoint_and_alarm(self, client, superuser, events):
        import datetime

        from paten.audit.services import audit_checkpoint

        from .conftest import raw_execute

        audit_seal_all()
        audit_checkpoint()
        audit_record(actor=None, action="test.late", kecamatan="64.74.02")
        raw_execute(
            "UPDATE audit_auditevent SET timestamp = %s WHERE action = 'test.late'",
            [datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)],
        )
        client.force_login(superuser)
        response = client.get(reverse("audit_event:chains"))
        assert response.status_code == 200
        chains = {c.id: c for c in response.context["chains"]}
        assert set(chains) == {"kecamatan:64.74.01", "kecamatan:64.74.02", "pemda"}
        assert chains["kecamatan:64.74.01"].sealed_size == 1
        assert chains["kecamatan:64.74.01"].checkpoint_size == 1
        assert chains["kecamatan:64.74.02"].stale == 1
        content = response.content.decode()
        assert "Kecamatan Bontang Utara" in content
        assert "1 peristiwa terlalu lama belum disegel" in content

        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "Alarm jejak audit" in home
        assert "Kecamatan Bontang Selatan: 1 peristiwa" in home

    def test_no_alarm_no_panel(self, client, superuser, events):
        client.force_login(superuser)
        assert "Alarm jejak audit" not in client.get(reverse("wagtailadmin_home")).content.decode()

    def test_kecamatan_user_sees_only_their_chain(self, client, events):
        audit_seal_all()
        client.force_login(camat("camat.utara", "64.74.01"))
        response = client.get(reverse("audit_event:chains"))
        assert [c.id for c in response.context["chains"]] == ["kecamatan:64.74.01"]

    def test_user_without_view_permission_is_refused(self, client, events):
        from django.contrib.auth.models import Permission

        user = get_user_model().objects.create_user(username="plain", password="x")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
        assert client.get(reverse("audit_event:chains")).status_code in (302, 403)
