"""A kecamatan PPID of Bontang Utara sees nothing of Bontang Selatan, through every surface:
the request queue, detail, actions and files, objections, the DIP snippet (list, search,
edit, inspect, history, usage, revisions, delete, chooser), consequence tests, the admin
home panel. The PPID utama sees both."""

from django.urls import reverse

import pytest

from paten.ppid.constants import InformationClass, ObjectionGround, RequestState
from paten.ppid.models import ExceptionGround
from paten.ppid.services import objection_file

from .factories import at


@pytest.fixture
def world(make_request, make_decided, make_entry, make_test, utara, selatan):
    ground = ExceptionGround.objects.get(article__endswith="huruf h")
    a = make_request(
        kecamatan=utara, received_at=at(2026, 2, 13, 10), information_requested="Anggaran Utara"
    )
    b = make_decided(
        RequestState.REFUSED,
        kecamatan=selatan,
        received_at=at(2026, 2, 13, 10),
        decided_at=at(2026, 2, 20, 9),
        information_requested="Anggaran Selatan",
        exception_ground=ground,
    )
    objection_b = objection_file(
        request=b,
        ground=ObjectionGround.REFUSED_EXCEPTION,
        reasons="Keberatan Selatan",
        now=at(2026, 2, 23, 9),
    )
    test_b = make_test(kecamatan=selatan, information="Rahasia Selatan")
    return {
        "a": a,
        "b": b,
        "objection_b": objection_b,
        "entry_a": make_entry(kecamatan=utara, title="Informasi Utara"),
        "entry_b": make_entry(kecamatan=selatan, title="Informasi Selatan"),
        "draft_b": make_entry(kecamatan=selatan, title="Draf Selatan", live=False),
        "test_a": make_test(kecamatan=utara, information="Rahasia Utara"),
        "test_b": test_b,
        "exempt_b": make_entry(
            kecamatan=selatan,
            title="Dikecualikan Selatan",
            information_class=InformationClass.EXEMPT,
            consequence_test=test_b,
        ),
    }


@pytest.fixture
def utara_client(client, ppid_utara):
    client.force_login(ppid_utara)
    return client


def test_request_queue_lists_only_the_own_kecamatan(utara_client, world):
    body = utara_client.get(reverse("ppid_requests:queue")).content.decode()
    assert world["a"].registration_number in body
    assert world["b"].registration_number not in body


def test_request_queue_search_does_not_reach_another_kecamatan(utara_client, world):
    response = utara_client.get(
        reverse("ppid_requests:queue"), {"q": world["b"].registration_number}
    )
    assert f'data-request="{world["b"].pk}"' not in response.content.decode()
    response = utara_client.get(
        reverse("ppid_requests:queue"), {"q": world["a"].registration_number}
    )
    assert f'data-request="{world["a"].pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "action", ["route", "extend", "decide", "withdraw", "file", "publish", "objection"]
)
def test_request_detail_and_actions_of_another_kecamatan_are_404(utara_client, world, action):
    b = world["b"]
    assert utara_client.get(reverse("ppid_requests:detail", args=[b.pk])).status_code == 404
    response = utara_client.post(reverse("ppid_requests:action", args=[b.pk, action]), {})
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.state == RequestState.REFUSED


def test_files_of_another_kecamatan_are_404(utara_client, world):
    for record in world["b"].files.all():
        assert utara_client.get(reverse("ppid_requests:file", args=[record.pk])).status_code == 404
    own = world["a"].files.first()
    assert utara_client.get(reverse("ppid_requests:file", args=[own.pk])).status_code == 200


def test_objections_of_another_kecamatan_are_invisible(utara_client, world):
    body = utara_client.get(reverse("ppid_objections:list")).content.decode()
    assert world["objection_b"].registration_number not in body
    detail = reverse("ppid_objections:detail", args=[world["objection_b"].pk])
    assert utara_client.get(detail).status_code == 404


def test_dip_listing_and_search_show_only_the_own_kecamatan(utara_client, world):
    url = reverse("wagtailsnippets_ppid_dipentry:list")
    body = utara_client.get(url).content.decode()
    assert "Informasi Utara" in body
    assert "Selatan" not in body
    body = utara_client.get(url, {"q": "Selatan"}).content.decode()
    assert "Informasi Selatan" not in body and "Draf Selatan" not in body


@pytest.mark.parametrize(
    "view", ["edit", "inspect", "history", "usage", "delete", "unpublish", "lock"]
)
def test_dip_object_views_of_another_kecamatan_are_404(utara_client, world, view):
    for entry in (world["entry_b"], world["draft_b"]):
        url = reverse(f"wagtailsnippets_ppid_dipentry:{view}", args=[entry.pk])
        assert utara_client.get(url).status_code == 404, url


def test_dip_revisions_of_another_kecamatan_are_404(utara_client, world):
    entry = world["entry_b"]
    revision = entry.latest_revision
    for name, args in [
        ("revisions_revert", [entry.pk, revision.pk]),
        ("revisions_compare", [entry.pk, "earliest", "latest"]),
        ("preview_on_edit", [entry.pk]),
    ]:
        url = reverse(f"wagtailsnippets_ppid_dipentry:{name}", args=args)
        assert utara_client.get(url).status_code == 404, url


def test_own_dip_entry_views_open(utara_client, world):
    for view in ("edit", "inspect", "history", "usage"):
        url = reverse(f"wagtailsnippets_ppid_dipentry:{view}", args=[world["entry_a"].pk])
        assert utara_client.get(url).status_code == 200, url


def test_dip_chooser_offers_only_the_own_kecamatan(utara_client, world):
    body = utara_client.get(reverse("wagtailsnippetchoosers_ppid_dipentry:choose")).content.decode()
    assert "Informasi Utara" in body and "Selatan" not in body
    chosen = reverse("wagtailsnippetchoosers_ppid_dipentry:chosen", args=[world["entry_b"].pk])
    assert utara_client.get(chosen).status_code == 404


def test_consequence_tests_of_another_kecamatan_are_invisible(utara_client, world):
    body = utara_client.get(reverse("wagtailsnippets_ppid_consequencetest:list")).content.decode()
    assert "Rahasia Utara" in body and "Rahasia Selatan" not in body
    for view in ("edit", "inspect", "history", "usage"):
        url = reverse(f"wagtailsnippets_ppid_consequencetest:{view}", args=[world["test_b"].pk])
        assert utara_client.get(url).status_code == 404


def test_usage_of_a_shared_category_hides_other_kecamatan_entries(utara_client, world, category):
    body = utara_client.get(
        reverse("wagtailsnippets_ppid_dipcategory:usage", args=[category.pk])
    ).content.decode()
    assert "Informasi Selatan" not in body and "Draf Selatan" not in body


def test_admin_home_panel_counts_only_the_own_kecamatan(utara_client, world):
    body = utara_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-dashboard-ppid" in body
    assert 'data-unit="64.74.02"' not in body
    assert 'data-unit="64.74.01"' in body


def test_ppid_utama_sees_every_unit(client, ppid_utama, world):
    client.force_login(ppid_utama)
    body = client.get(reverse("ppid_requests:queue")).content.decode()
    assert world["a"].registration_number in body and world["b"].registration_number in body
    assert client.get(reverse("ppid_requests:detail", args=[world["b"].pk])).status_code == 200
    body = client.get(reverse("wagtailsnippets_ppid_dipentry:list")).content.decode()
    assert "Informasi Utara" in body and "Informasi Selatan" in body


def test_a_camat_without_ppid_permissions_sees_no_requests(client, camat_utara, world):
    client.force_login(camat_utara)
    assert client.get(reverse("ppid_requests:queue")).status_code == 404
    assert client.get(reverse("ppid_requests:detail", args=[world["a"].pk])).status_code == 404
