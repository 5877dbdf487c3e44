"""The PPID admin through the test client: desk intake, routing, extension, a partial grant
with an answer document, publication to the DIP, an objection answered by the atasan PPID,
a dispute; the masks on personal data; the menu and the admin home panel."""

from datetime import date

from django.urls import reverse

import pytest

from paten.audit.models import AuditEvent
from paten.ppid.constants import InformationClass, RequestState
from paten.ppid.models import DipEntry, ExceptionGround, InformationRequest, Objection

from .factories import NIK, PDF, upload


@pytest.fixture
def desk_request(client, ppid_utama):
    client.force_login(ppid_utama)
    response = client.post(
        reverse("ppid_requests:intake"),
        {
            "channel": "loket",
            "kecamatan": "",
            "requester_kind": "perorangan",
            "requester_name": "Budi Santoso",
            "requester_nik": NIK,
            "requester_address": "Jl. Imam Bonjol 3",
            "requester_phone": "081234567890",
            "information_requested": "Daftar aset kecamatan",
            "purpose": "Pengawasan",
            "obtain_method": "salinan",
            "delivery_method": "unduh",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return InformationRequest.objects.get(requester_name="Budi Santoso")


def test_desk_intake_registers_a_request(desk_request, ppid_utama):
    assert desk_request.channel == "loket"
    assert desk_request.created_by == ppid_utama
    assert desk_request.state == RequestState.RECEIVED
    assert AuditEvent.objects.filter(action="ppid.request_receive").exists()


def test_whole_flow_route_extend_grant_in_part_publish_object_answer(
    client, desk_request, ppid_utama, ppid_utara, atasan, utara, category, make_entry, make_test
):
    test = make_test(kecamatan=utara, information="Nilai aset rinci per pegawai")
    exempt = make_entry(
        kecamatan=utara,
        title="Rincian aset yang melekat pada pegawai",
        information_class=InformationClass.EXEMPT,
        consequence_test=test,
    )
    url = lambda action: reverse("ppid_requests:action", args=[desk_request.pk, action])  # noqa: E731

    # The PPID utama routes it to Bontang Utara.
    response = client.post(url("route"), {"kecamatan": utara.pk, "note": "Aset kecamatan"})
    assert response.status_code == 302
    desk_request.refresh_from_db()
    assert desk_request.kecamatan_id == utara.pk and desk_request.state == RequestState.ROUTED

    # The kecamatan PPID extends it with a reason, then grants it in part.
    client.force_login(ppid_utara)
    response = client.post(url("extend"), {"days": "5", "reason": "Data di gudang arsip"})
    assert response.status_code == 302, response.content.decode()[-4000:]
    response = client.post(url("extend"), {"days": "1", "reason": "lagi"})
    assert response.status_code == 404  # no second extension is offered
    response = client.post(
        url("decide"),
        {
            "outcome": RequestState.GRANTED_IN_PART,
            "answer": "Daftar aset terlampir.",
            "withheld": "Nilai aset per pegawai",
            "exempt_entry": exempt.pk,
            "files": [upload("aset.pdf", PDF)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    desk_request.refresh_from_db()
    assert desk_request.state == RequestState.GRANTED_IN_PART
    assert desk_request.exception_ground == test.ground
    assert desk_request.files.filter(kind="jawaban").count() == 1
    assert desk_request.files.filter(kind="pemberitahuan").count() == 2  # extension + decision

    # Published to the DIP in one action, without the requester's data.
    response = client.post(
        url("publish"),
        {
            "title": "Daftar aset Kecamatan Bontang Utara",
            "summary": "Aset 2025",
            "category": category.pk,
            "retention": "5 tahun",
        },
    )
    assert response.status_code == 302
    entry = DipEntry.objects.get(title="Daftar aset Kecamatan Bontang Utara")
    assert entry.live and entry.information_class == InformationClass.ANY_TIME
    assert entry.kecamatan_id == utara.pk
    assert entry.documents.count() == 1
    document = entry.documents.get().document
    assert "aset" not in document.file.name and "Budi" not in document.title

    # The requester objects at the desk; the atasan PPID answers.
    response = client.post(
        url("objection"),
        {"channel": "surat", "ground": "a", "reasons": "Nilai aset bukan rahasia."},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    client.force_login(atasan)
    detail = reverse("ppid_objections:detail", args=[objection.pk])
    assert client.get(detail).status_code == 200
    response = client.post(
        reverse("ppid_objections:action", args=[objection.pk, "answer"]),
        {"decision": "ditolak", "answer": "Tetap dikecualikan sesuai uji konsekuensi."},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == "ditanggapi" and objection.dispute_due_on is not None
    # The kecamatan PPID records the dispute.
    client.force_login(ppid_utara)
    response = client.post(
        reverse("ppid_objections:action", args=[objection.pk, "dispute"]),
        {
            "registered_on": "2026-12-10",
            "case_number": "001/KI/2026",
            "stage": "mediasi",
            "outcome": "berjalan",
        },
    )
    assert response.status_code == 302
    assert objection.dispute.case_number == "001/KI/2026"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "ppid.request_route",
        "ppid.request_extend",
        "ppid.request_decide",
        "ppid.request_publish",
        "ppid.dip_publish",
        "ppid.objection_file",
        "ppid.objection_answer",
        "ppid.dispute_record",
    } <= actions
    for event in AuditEvent.objects.filter(action__startswith="ppid."):
        assert "Budi" not in str(event.payload) and NIK not in str(event.payload)


def test_the_ppid_cannot_answer_an_objection(client, make_decided, ppid_utama):
    from paten.ppid.services import objection_file

    item = make_decided(RequestState.REFUSED, exception_ground=ExceptionGround.objects.first())
    objection = objection_file(request=item, ground="a", reasons="x")
    client.force_login(ppid_utama)
    response = client.post(
        reverse("ppid_objections:action", args=[objection.pk, "answer"]),
        {"decision": "diterima", "answer": "Saya kabulkan sendiri"},
    )
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.state == "diterima"


def test_bad_decision_input_changes_nothing_and_says_why(client, make_request, ppid_utama):
    item = make_request()
    client.force_login(ppid_utama)
    response = client.post(
        reverse("ppid_requests:action", args=[item.pk, "decide"]),
        {"outcome": RequestState.GRANTED_IN_PART, "answer": "Sebagian"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Sebutkan bagian yang dikecualikan" in body
    item.refresh_from_db()
    assert item.state == RequestState.RECEIVED


def test_personal_data_masked_without_the_permission(client, make_request, ppid_utama):
    from django.contrib.auth.models import Permission

    item = make_request()
    ppid_utama.groups.first().permissions.remove(
        Permission.objects.get(codename="view_personal_data", content_type__app_label="ppid")
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=ppid_utama.pk)
    client.force_login(user)
    body = client.get(reverse("ppid_requests:detail", args=[item.pk])).content.decode()
    assert NIK not in body and "Siti Rahmawati" not in body and "siti@example.org" not in body
    assert "S. R." in body
    ktp = item.files.get(kind="ktp")
    assert client.get(reverse("ppid_requests:file", args=[ktp.pk])).status_code == 404


def test_ktp_download_is_recorded(client, make_request, ppid_utama):
    item = make_request()
    client.force_login(ppid_utama)
    ktp = item.files.get(kind="ktp")
    response = client.get(reverse("ppid_requests:file", args=[ktp.pk]))
    assert response.status_code == 200
    # Wagtail's admin adds its never_cache directives to ours.
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="ppid.personal_data_read").count() == 1


def test_queue_filters_overdue_and_extended(client, make_request, ppid_utama):
    from paten.ppid.services import request_extend

    from .factories import at

    late = make_request(received_at=at(2026, 1, 5, 9))
    extended = make_request()
    request_extend(request=extended, days=2, reason="Arsip", actor=ppid_utama)
    client.force_login(ppid_utama)
    queue = reverse("ppid_requests:queue")
    body = client.get(queue, {"tampil": "terlambat"}).content.decode()
    assert f'data-request="{late.pk}"' in body and f'data-request="{extended.pk}"' not in body
    body = client.get(queue, {"tampil": "diperpanjang"}).content.decode()
    assert f'data-request="{extended.pk}"' in body and f'data-request="{late.pk}"' not in body


def test_admin_pages_of_the_snippets_render(client, ppid_utama, make_entry, make_test, utara):
    entry = make_entry(kecamatan=utara)
    test = make_test(kecamatan=utara)
    client.force_login(ppid_utama)
    for url in (
        reverse("wagtailsnippets_ppid_dipentry:list"),
        reverse("wagtailsnippets_ppid_dipentry:add"),
        reverse("wagtailsnippets_ppid_dipentry:edit", args=[entry.pk]),
        reverse("wagtailsnippets_ppid_consequencetest:edit", args=[test.pk]),
        reverse("wagtailsnippets_ppid_exceptionground:list"),
        reverse("wagtailsnippets_ppid_responsetemplate:list"),
        reverse("wagtailsnippets_ppid_reportnarrative:add"),
        reverse("ppid_requests:queue"),
        reverse("ppid_requests:intake"),
        reverse("ppid_objections:list"),
    ):
        assert client.get(url).status_code == 200, url


def test_kecamatan_ppid_cannot_edit_shared_templates(client, ppid_utara):
    from paten.ppid.models import ResponseTemplate

    template = ResponseTemplate.objects.first()
    client.force_login(ppid_utara)
    url = reverse("wagtailsnippets_ppid_responsetemplate:edit", args=[template.pk])
    assert client.get(url).status_code in (302, 403)


def test_create_dip_entry_in_the_admin_gets_a_number(client, ppid_utara, utara, category):
    client.force_login(ppid_utara)
    response = client.post(
        reverse("wagtailsnippets_ppid_dipentry:add"),
        {
            "title": "Rencana kerja 2026",
            "information_class": InformationClass.PERIODIC,
            "category": category.pk,
            "summary": "Renja",
            "kecamatan": utara.pk,
            "holding_unit": "Sekretariat Kecamatan",
            "responsible": "Sekcam",
            "year": "2026",
            "available_form": "softcopy",
            "retention": "5 tahun",
            "updated_on": date(2026, 1, 10).isoformat(),
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = DipEntry.objects.get(title="Rencana kerja 2026")
    assert entry.number == "DIP/64.74.01/2026/001"
    assert entry.live is False  # saved as a draft


def test_kecamatan_ppid_cannot_put_an_entry_in_another_kecamatan(
    client, ppid_utara, selatan, category
):
    client.force_login(ppid_utara)
    response = client.post(
        reverse("wagtailsnippets_ppid_dipentry:add"),
        {
            "title": "Menyusup",
            "information_class": InformationClass.PERIODIC,
            "category": category.pk,
            "kecamatan": selatan.pk,
            "holding_unit": "x",
            "responsible": "x",
            "year": "2026",
            "available_form": "softcopy",
            "retention": "5 tahun",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert not DipEntry.objects.filter(title="Menyusup").exists()
