"""Public pages: the DIP (list, filters, entry, exempt entries, CSV, API), the request form,
receipt and tracker; personal data never on a public page, in a URL or in the CSV."""

import csv
import io

from django.core import mail
from django.urls import reverse

import pytest

from paten.ppid.constants import InformationClass, RequestState
from paten.ppid.models import InformationRequest, Objection
from paten.ppid.services import request_decide, request_extend

from .factories import NIK, PNG, at, upload

PERSONAL = (
    "Siti Rahmawati",
    NIK,
    "Jl. Awang Long",
    "siti@example.org",
    "3456 7890",
    "+6281234567890",
)


def _no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, value


@pytest.fixture
def exempt(make_entry, make_test, utara):
    test = make_test(kecamatan=utara, information="Data pribadi pemohon")
    return make_entry(
        kecamatan=utara,
        title="Salinan KTP pemohon layanan",
        summary="ISI RAHASIA YANG TIDAK BOLEH TAMPIL",
        information_class=InformationClass.EXEMPT,
        consequence_test=test,
    )


class TestDipPages:
    def test_list_shows_published_entries_with_filters(self, client, make_entry, utara, selatan):
        make_entry(kecamatan=utara, title="Rencana kerja Utara", year=2025)
        make_entry(kecamatan=selatan, title="Rencana kerja Selatan")
        make_entry(kecamatan=utara, title="Draf rahasia", live=False)
        body = client.get(reverse("ppid:dip_list")).content.decode()
        assert "Rencana kerja Utara" in body and "Rencana kerja Selatan" in body
        assert "Draf rahasia" not in body
        body = client.get(reverse("ppid:dip_list"), {"unit": "64.74.02"}).content.decode()
        assert "Rencana kerja Utara" not in body and "Rencana kerja Selatan" in body
        body = client.get(reverse("ppid:dip_list"), {"tahun": "2025"}).content.decode()
        assert "Rencana kerja Utara" in body and "Rencana kerja Selatan" not in body

    def test_bad_filter_values_are_ignored(self, client, make_entry, utara):
        make_entry(kecamatan=utara, title="Rencana kerja Utara")
        response = client.get(
            reverse("ppid:dip_list"),
            {"unit": "'; drop", "tahun": "20x6", "kelas": "zzz", "halaman": "-1", "kategori": "?"},
        )
        assert response.status_code == 200
        assert "Rencana kerja Utara" in response.content.decode()

    def test_exempt_entry_shows_the_decision_never_the_content(self, client, exempt):
        body = client.get(reverse("ppid:dip_detail", args=[exempt.pk])).content.decode()
        assert "ISI RAHASIA" not in body
        assert "Pasal 17 huruf h" in body
        assert "Mengungkap rahasia pribadi warga." in body
        assert "5 Januari 2031" in body
        listing = client.get(reverse("ppid:dip_list"), {"q": "RAHASIA YANG"}).content.decode()
        assert "Salinan KTP pemohon layanan" not in listing

    def test_unpublished_entry_is_404(self, client, make_entry, utara):
        draft = make_entry(kecamatan=utara, title="Draf", live=False)
        assert client.get(reverse("ppid:dip_detail", args=[draft.pk])).status_code == 404

    def test_csv_escapes_formulas_and_hides_exempt_content(self, client, make_entry, exempt, utara):
        make_entry(kecamatan=utara, title='=HYPERLINK("http://x")')
        response = client.get(reverse("ppid:dip_csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        titles = [row[1] for row in rows[1:]]
        assert '\'=HYPERLINK("http://x")' in titles
        assert "ISI RAHASIA" not in response.content.decode("utf-8-sig")

    def test_api_lists_and_details_entries_in_the_schema(self, client, make_entry, exempt, utara):
        make_entry(kecamatan=utara, title="Rencana kerja Utara")
        data = client.get(reverse("ppid:api_dip")).json()
        titles = {row["title"]: row for row in data["results"]}
        assert titles["Salinan KTP pemohon layanan"]["summary"] == ""
        assert titles["Salinan KTP pemohon layanan"]["exemption"]["article"].endswith("huruf h")
        detail = client.get(reverse("ppid:api_dip_entry", args=[exempt.pk])).json()
        assert detail["documents"] == []
        schema = client.get(reverse("service_catalog:api_schema")).json()
        assert "/api/dip/" in schema["paths"]

    def test_publish_changes_the_cached_list(self, client, make_entry, utara):
        make_entry(kecamatan=utara, title="Pertama")
        assert "Pertama" in client.get(reverse("ppid:dip_list")).content.decode()
        make_entry(kecamatan=utara, title="Kedua")
        assert "Kedua" in client.get(reverse("ppid:dip_list")).content.decode()

    def test_active_serta_merta_is_shown_on_the_list(self, client, make_entry, selatan):
        make_entry(
            kecamatan=selatan,
            title="Peringatan banjir rob",
            information_class=InformationClass.IMMEDIATE,
        )
        body = client.get(reverse("ppid:dip_list")).content.decode()
        assert "data-serta-merta" in body and "Peringatan banjir rob" in body


class TestRequestForm:
    def _post(self, client, **overrides):
        data = {
            "requester_kind": "perorangan",
            "requester_name": "Siti Rahmawati",
            "requester_nik": NIK,
            "requester_address": "Jl. Awang Long No. 7, Bontang",
            "requester_phone": "0812 3456 7890",
            "requester_email": "siti@example.org",
            "information_requested": "Daftar penerima bantuan sosial 2025",
            "purpose": "Pengawasan",
            "obtain_method": "salinan",
            "delivery_method": "unduh",
            "identity_file": upload(),
        }
        data.update(overrides)
        return client.post(reverse("ppid:request"), data)

    def test_submit_redirects_to_the_receipt_without_personal_data(self, client, bontang):
        response = self._post(client)
        assert response.status_code == 302
        item = InformationRequest.objects.get()
        assert item.channel == "online" and item.state == RequestState.RECEIVED
        _no_personal_data(response["Location"])
        page = client.get(response["Location"])
        body = page.content.decode()
        assert item.display_code in body and item.registration_number in body
        _no_personal_data(body)
        assert item.files.get().kind == "ktp"

    def test_form_page_in_indonesian(self, client, bontang):
        body = client.get(reverse("ppid:request")).content.decode()
        assert "Informasi yang Anda minta" in body

    def test_missing_ktp_copy_is_a_clear_message_and_saves_nothing(self, client, bontang):
        response = self._post(client, identity_file="")
        assert response.status_code == 400
        assert "KTP" in response.content.decode()
        assert not InformationRequest.objects.exists()

    def test_a_renamed_executable_is_refused(self, client, bontang):
        response = self._post(client, identity_file=upload("ktp.pdf", b"MZ\x90\x00" + b"0" * 64))
        assert response.status_code == 400
        assert "bukan jenis yang diterima" in response.content.decode()
        assert not InformationRequest.objects.exists()

    def test_a_bad_nik_is_explained(self, client, bontang):
        response = self._post(client, requester_nik="123")
        assert response.status_code == 400
        assert "16 digit" in response.content.decode()
        assert not InformationRequest.objects.exists()


class TestTracker:
    def test_tracker_states_the_deadline_and_hides_personal_data(self, client, make_request):
        item = make_request(received_at=at(2026, 2, 13, 10))
        response = client.get(reverse("ppid:track_code", args=[item.display_code]))
        body = response.content.decode()
        assert "3 Maret 2026" in body
        _no_personal_data(body)

    def test_the_code_never_stays_in_a_query_string(self, client, make_request):
        item = make_request()
        status_url = reverse("ppid:track_code", args=[item.display_code])
        response = client.post(reverse("ppid:track"), {"kode": item.tracking_code.lower()})
        assert response.status_code == 302 and response["Location"] == status_url
        response = client.get(reverse("ppid:track"), {"kode": item.display_code})
        assert response.status_code == 301 and response["Location"] == status_url
        receipt = client.get(reverse("ppid:receipt", args=[item.tracking_code])).content.decode()
        assert status_url in receipt and "kode=" not in receipt

    def test_mistyped_code_is_explained(self, client, make_request):
        item = make_request()
        wrong = item.tracking_code[:-1] + ("0" if item.tracking_code[-1] != "0" else "1")
        response = client.get(reverse("ppid:track_code", args=[wrong]))
        assert response.status_code in (400, 404)
        assert "data-error" in response.content.decode()

    def test_requester_downloads_the_notice_and_answer_only_through_the_tracker(
        self, client, make_decided
    ):
        item = make_decided(
            RequestState.GRANTED,
            received_at=at(2026, 2, 13, 10),
            decided_at=at(2026, 2, 20, 9),
            answer="Terlampir.",
            files=[upload("jawaban.pdf", b"%PDF-1.4\n" + b"1" * 80)],
        )
        page = client.get(reverse("ppid:track_code", args=[item.display_code])).content.decode()
        assert 'data-download="pemberitahuan"' in page and 'data-download="jawaban"' in page
        assert 'data-download="ktp"' not in page
        ktp = item.files.get(kind="ktp")
        response = client.post(
            reverse("ppid:track_download"), {"kode": item.display_code, "berkas": str(ktp.pk)}
        )
        assert response.status_code == 404
        answer = item.files.get(kind="jawaban")
        response = client.post(
            reverse("ppid:track_download"), {"kode": item.display_code, "berkas": str(answer.pk)}
        )
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        # A wrong code gets nothing.
        response = client.post(
            reverse("ppid:track_download"), {"kode": "AAAA-AAAA-AA", "berkas": str(answer.pk)}
        )
        assert response.status_code == 404

    def test_decision_is_emailed_with_the_tracker_link_only(
        self, make_request, ppid_utama, django_capture_on_commit_callbacks
    ):
        item = make_request(received_at=at(2026, 2, 13, 10))
        with django_capture_on_commit_callbacks(execute=True):
            request_extend(
                request=item, days=3, reason="Arsip", actor=ppid_utama, now=at(2026, 2, 20, 9)
            )
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["siti@example.org"]
        assert item.display_code in message.body
        assert NIK not in message.body and "Jl. Awang Long" not in message.body
        assert message.attachments == []

    def test_withdraw_from_the_tracker(self, client, make_request):
        item = make_request()
        client.post(reverse("ppid:track_withdraw"), {"kode": item.display_code})
        item.refresh_from_db()
        assert item.state == RequestState.WITHDRAWN

    def test_objection_from_the_tracker_and_the_answer_route(self, client, make_decided, atasan):
        from paten.ppid.models import ExceptionGround
        from paten.ppid.services import objection_answer

        item = make_decided(RequestState.REFUSED, exception_ground=ExceptionGround.objects.first())
        response = client.post(
            reverse("ppid:track_objection"),
            {"kode": item.display_code, "ground": "a", "reasons": "Bukan informasi rahasia."},
        )
        assert response.status_code == 302
        objection = Objection.objects.get()
        objection_answer(
            objection=objection, decision="ditolak", answer="Tetap dikecualikan.", actor=atasan
        )
        body = client.get(reverse("ppid:track_code", args=[item.display_code])).content.decode()
        assert "data-dispute-route" in body and "Komisi Informasi" in body
        assert 'data-download="tanggapan_keberatan"' in body


def test_png_constant_is_a_png():
    assert PNG.startswith(b"\x89PNG")


class TestStatisticsPage:
    @pytest.fixture
    def decided(self, make_request, utara, selatan, ppid_utama):
        granted = make_request(kecamatan=utara)
        request_decide(request=granted, outcome=RequestState.GRANTED, actor=ppid_utama, answer="Ya")
        make_request(kecamatan=selatan, requester_name="Budi Santoso")
        return granted

    def test_counts_charts_and_tables_in_indonesian(self, client, decided):
        response = client.get(reverse("ppid:statistics"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Statistik layanan informasi publik" in body
        assert '<dd data-count="received">2</dd>' in body
        assert "<svg" in body and 'role="img"' in body
        assert "Pemberitahuan tertulis tepat waktu, per unit" in body
        assert body.count("<svg") == 3
        assert "<script" not in body.split("<main", 1)[-1].split("</main>", 1)[0]
        _no_personal_data(body)
        assert "Budi Santoso" not in body

    def test_one_kecamatan(self, client, decided, selatan):
        body = client.get(reverse("ppid:statistics"), {"unit": selatan.code}).content.decode()
        assert '<dd data-count="received">1</dd>' in body
        assert '<dd data-count="decided">0</dd>' in body

    def test_bad_parameters_fall_back_to_all_units_this_year(self, client, decided):
        response = client.get(reverse("ppid:statistics"), {"unit": "'; drop", "tahun": "99999"})
        assert response.status_code == 200
        assert '<dd data-count="received">2</dd>' in response.content.decode()

    def test_linked_from_the_information_list(self, client, bontang):
        body = client.get(reverse("ppid:dip_list")).content.decode()
        assert reverse("ppid:statistics") in body
