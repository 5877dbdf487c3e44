"""Public pages: apply online, receipt, tracker (rate limit, typos), verification."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from forms_builder import tracking
from forms_builder.models import Application
from forms_builder.services import form_version_publish
from forms_builder.workflow import ApplicationState
from tests.service_catalog.factories import make_service

from .factories import EXE_BYTES, advance, form_field, pdf_upload, service_form_create, submit

UTARA = "64.74.01"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
S = ApplicationState


def apply_url(service, kecamatan=None):
    url = reverse("forms_builder:apply", args=[service.code])
    return f"{url}?kecamatan={kecamatan.code}" if kecamatan else url


def post_data(**extra):
    return {
        "pemohon-name": "Siti Rahmawati",
        "pemohon-phone": "0812 3456 7890",
        "pemohon-email": "",
        "nama_lengkap": "Siti Rahmawati",
        "keperluan": "Sekolah",
        **extra,
    }


class TestApply:
    def test_urls_are_indonesian(self, service):
        assert apply_url(service) == "/ajukan/skd/"
        assert reverse("forms_builder:track") == "/lacak/"
        assert reverse("forms_builder:verify", args=["abc"]) == "/verifikasi/abc/"

    def test_choose_kecamatan_first(self, client, service):
        response = client.get(apply_url(service))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Bontang Utara" in content and 'name="kecamatan"' in content

    def test_form_renders_without_js(self, client, service, utara):
        response = client.get(apply_url(service, utara))
        assert response.status_code == 200
        content = response.content.decode()
        assert 'name="nama_lengkap"' in content and 'name="pemohon-name"' in content
        assert 'enctype="multipart/form-data"' in content
        assert "csrfmiddlewaretoken" in content

    def test_submit_redirects_to_receipt(self, client, service, utara):
        data = post_data(surat_pengantar=pdf_upload())
        response = client.post(apply_url(service, utara), data)
        assert response.status_code == 302
        application = Application.objects.get()
        assert response["Location"] == reverse(
            "forms_builder:receipt", args=[application.tracking_code]
        )
        assert application.applicant_phone == "+6281234567890"
        assert application.attachments.count() == 1
        receipt = client.get(response["Location"])
        assert application.display_code in receipt.content.decode()
        assert "Siti Rahmawati" not in receipt.content.decode()

    def test_name_and_phone_are_asked_once(self, client, service, utara):
        from .factories import form_version_for, spec

        form_version_for(
            service,
            schema=[
                spec("nama_pemohon", "applicant_name", label="Nama lengkap"),
                spec("no_hp", "phone", label="Nomor HP", required=False),
            ],
        )
        content = client.get(apply_url(service, utara)).content.decode()
        assert 'name="nama_pemohon"' in content and 'name="no_hp"' in content
        assert 'name="pemohon-name"' not in content and 'name="pemohon-phone"' not in content
        # Neither phone nor email: the refusal sits on the email still asked in "About you".
        refused = client.post(apply_url(service, utara), {"nama_pemohon": "Siti Rahmawati"})
        assert refused.status_code == 400 and not Application.objects.exists()
        assert refused.context["applicant_form"].errors.get("email")
        response = client.post(
            apply_url(service, utara), {"nama_pemohon": "Siti Rahmawati", "no_hp": "081234567890"}
        )
        assert response.status_code == 302
        application = Application.objects.get()
        assert application.applicant_name == "Siti Rahmawati"
        assert application.applicant_phone == "+6281234567890"

    def test_receipt_pdf(self, client, service, utara):
        application = submit(service, utara)
        response = client.get(
            reverse("forms_builder:receipt_pdf", args=[application.tracking_code])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

    def test_invalid_post_shows_errors_and_saves_nothing(self, client, service, utara):
        response = client.post(apply_url(service, utara), post_data(keperluan="hacked"))
        assert response.status_code == 400
        assert Application.objects.count() == 0

    def test_errors_are_summed_up_at_the_top_linking_to_their_fields(self, client, service, utara):
        data = post_data(keperluan="hacked", **{"pemohon-name": ""})
        content = client.post(apply_url(service, utara), data).content.decode()
        summary = content.index("data-error-summary")
        assert summary < content.index('name="pemohon-name"')
        assert summary < content.index('name="keperluan"')
        assert 'href="#id_pemohon-name"' in content and 'href="#id_keperluan"' in content

    def test_disguised_file_refused(self, client, service, utara):
        response = client.post(
            apply_url(service, utara), post_data(surat_pengantar=pdf_upload("a.pdf", EXE_BYTES))
        )
        assert response.status_code == 400
        assert Application.objects.count() == 0

    def test_kecamatan_not_offering(self, client, service):
        response = client.get(apply_url(service) + "?kecamatan=99.99.99")
        assert response.status_code == 200
        assert Application.objects.count() == 0

    def test_tampered_kecamatan_saves_nothing(self, client, bontang, utara, selatan):
        from service_catalog.models import KecamatanOverride
        from tests.service_catalog.factories import make_service

        from .factories import form_version_for

        service = make_service(
            code="skbl", overrides=[KecamatanOverride(kecamatan=selatan, offered=False)]
        )
        form_version_for(service)
        response = client.post(apply_url(service, selatan), post_data())
        assert response.status_code == 200  # back to the kecamatan chooser
        assert "Bontang Selatan" not in response.content.decode().split("<main")[1]
        assert Application.objects.count() == 0

    def test_csrf_less_post_refused(self, service, utara):
        client = Client(enforce_csrf_checks=True)
        response = client.post(apply_url(service, utara), post_data())
        assert response.status_code == 403
        assert Application.objects.count() == 0

    def test_unknown_service(self, client, bontang):
        assert client.get("/ajukan/tidak-ada/").status_code == 404

    def test_private_service_is_not_offered(self, client, service, utara):
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(page=service.get_parent(), restriction_type="login")
        response = client.post(apply_url(service, utara), post_data(surat_pengantar=pdf_upload()))
        assert response.status_code == 404
        assert Application.objects.count() == 0

    def test_a_submission_reads_once_whatever_the_size_of_the_form(self, client, bontang, utara):
        """The service, its version, documents and offering are read once per request and
        the form adds no query per field: ten fields cost what one field costs."""
        from .factories import form_version_for, spec

        upload = spec("surat_pengantar", "file", required=False, required_document_key="doc0")
        small = make_service(code="kecil")
        form_version_for(small, schema=[spec("nama_lengkap"), upload])
        answers = {
            "jumlah": ("number", "3"),
            "surel": ("email", "warga@example.id"),
            "tanggal": ("date", "2024-05-01"),
            "jenis": ("dropdown", "Baru"),
            "alamat": ("multiline", "Jl. Pupuk Raya 1"),
            **{f"isian_{i}": ("singleline", f"isian {i}") for i in range(4)},
        }
        big = make_service(code="besar")
        fields = [spec(key, kind, choices="Baru\nLama") for key, (kind, _v) in answers.items()]
        form_version_for(big, schema=[spec("nama_lengkap"), *fields, upload])
        values = {key: value for key, (_kind, value) in answers.items()}

        def queries(service, **extra) -> int:
            with CaptureQueriesContext(connection) as captured:
                response = client.post(
                    apply_url(service, utara), post_data(surat_pengantar=pdf_upload(), **extra)
                )
            assert response.status_code == 302, response.content.decode()[-2000:]
            read.update(_tables_read(captured))
            return len(captured)

        read = set()
        # The first submissions fill what is kept across requests (content types, the
        # definition of each service: ``selectors.service_applying``).
        queries(small), queries(big, **values)
        read.clear()
        one_field, ten_fields = queries(small), queries(big, **values)
        assert Application.objects.count() == 4
        assert ten_fields == one_field
        # Nothing is read: the writes are the application (its unique index checks the
        # tracking code), the attachment, the event and the audit event, inside the
        # transaction's two ends.
        assert read == set()
        assert one_field <= 6


def _tables_read(captured) -> set[str]:
    import re

    return {
        table
        for query in captured
        if query["sql"].lstrip().upper().startswith("SELECT")
        for table in re.findall(r'FROM "?(\w+)"?', query["sql"])
    }


class TestApplyingIsReadOncePerGeneration:
    """``selectors.service_applying`` keeps the service, its form version and its
    offering in the process until the catalog generation or the date changes: every
    change an applicant must see at once bumps the generation."""

    def page(self, client, service, kecamatan=None):
        response = client.get(apply_url(service, kecamatan))
        return response.status_code, response.content.decode()

    def test_a_second_request_reads_no_catalog_row(self, client, service, utara):
        """(The page around the form still reads the navigation, from the site root.)"""
        self.page(client, service, utara)
        with CaptureQueriesContext(connection) as captured:
            status, _content = self.page(client, service, utara)
        assert status == 200
        catalog = {
            table
            for table in _tables_read(captured)
            if table.startswith(("service_catalog_", "regions_"))
            or table == "forms_builder_formversion"
        }
        assert catalog == set()

    def test_a_published_document_shows_at_once(self, client, service, utara):
        from service_catalog.models import RequiredDocument

        assert "Akta kelahiran anak" not in self.page(client, service, utara)[1]
        service.required_documents.add(RequiredDocument(key="akta", name="Akta kelahiran anak"))
        service.save_revision().publish()
        assert "Akta kelahiran anak" in self.page(client, service, utara)[1]

    def test_a_new_form_version_shows_at_once(self, client, service, utara):
        from .factories import form_version_for, spec

        assert 'name="nama_ibu"' not in self.page(client, service, utara)[1]
        form_version_for(
            service,
            schema=[
                spec("nama_lengkap"),
                spec("nama_ibu"),
                spec("surat_pengantar", "file", required_document_key="doc0"),
            ],
        )
        assert 'name="nama_ibu"' in self.page(client, service, utara)[1]

    def test_a_view_restriction_and_unpublishing_close_it_at_once(self, client, service, utara):
        from wagtail.models import PageViewRestriction

        assert self.page(client, service, utara)[0] == 200
        restriction = PageViewRestriction.objects.create(
            page=service.get_parent(), restriction_type="login"
        )
        assert self.page(client, service, utara)[0] == 404
        restriction.delete()
        assert self.page(client, service, utara)[0] == 200
        service.unpublish()
        assert self.page(client, service, utara)[0] == 404

    def test_a_service_moved_under_a_restricted_section_closes_at_once(
        self, client, service, utara
    ):
        from wagtail.models import PageViewRestriction

        from service_catalog.models import ServiceIndexPage

        index = service.get_parent()
        private = index.get_parent().add_child(
            instance=ServiceIndexPage(title="Layanan internal", slug="internal")
        )
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        assert self.page(client, service, utara)[0] == 200
        service.move(private, pos="last-child")
        assert self.page(client, service, utara)[0] == 404

    def test_a_renamed_kecamatan_shows_at_once(self, client, service, utara):
        assert "Bontang Utara" in self.page(client, service)[1]
        utara.name = "Bontang Utara Raya"
        utara.save()
        assert "Bontang Utara Raya" in self.page(client, service)[1]

    def test_a_region_import_shows_at_once(
        self, client, service, utara, django_capture_on_commit_callbacks
    ):
        from paten.regions.services import regions_import

        assert "Bontang Pesisir" not in self.page(client, service)[1]
        with django_capture_on_commit_callbacks(execute=True):
            summary = regions_import(
                content=b"kode,nama\n64.74.01,Bontang Pesisir\n", filename="wilayah.csv"
            )
        assert summary.committed, summary.errors
        assert "Bontang Pesisir" in self.page(client, service)[1]

    def test_the_offering_follows_the_date(self, client, service, utara, monkeypatch):
        from django.utils import timezone

        today = timezone.localdate()
        service.effective_until = today
        service.save_revision().publish()
        assert self.page(client, service, utara)[0] == 200
        monkeypatch.setattr(timezone, "localdate", lambda *a: today + timezone.timedelta(days=1))
        status, content = self.page(client, service, utara)
        assert status == 200
        assert 'name="nama_lengkap"' not in content and 'name="kecamatan"' not in content


class TestTracker:
    def test_status_without_personal_data(self, client, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        response = client.get(
            reverse("forms_builder:track"), {"kode": application.display_code.lower()}, follow=True
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "S.R." in content
        assert "Siti" not in content and "siti@example.id" not in content
        assert "Langkah 1" in content  # the current procedure step
        assert str(application.due_at.year) in content

    def test_returned_shows_what_is_missing(self, client, service, utara, staff):
        from forms_builder.services.applications import application_transition

        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        application_transition(
            application=application,
            to_state=S.RETURNED,
            actor=staff["loket"],
            note="Fotokopi KK belum ada",
        )
        content = client.get(
            reverse("forms_builder:track"), {"kode": application.tracking_code}, follow=True
        ).content.decode()
        assert "Fotokopi KK belum ada" in content
        assert 'value="ajukan_ulang"' in content

    def test_applicant_resubmits_and_cancels(self, client, service, utara, staff):
        from forms_builder.services.applications import application_transition

        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        application_transition(
            application=application, to_state=S.RETURNED, actor=staff["loket"], note="x"
        )
        url = reverse("forms_builder:track_action")
        client.post(url, {"kode": application.tracking_code, "aksi": "ajukan_ulang"})
        application.refresh_from_db()
        assert application.state == S.SUBMITTED
        # Cancelling asks for its confirmation first.
        response = client.post(url, {"kode": application.tracking_code, "aksi": "batal"})
        assert response["Location"].endswith("#batal")
        application.refresh_from_db()
        assert application.state == S.SUBMITTED
        page = client.get(response["Location"].split("#")[0]).content.decode()
        assert 'name="yakin"' in page and "required" in page
        client.post(url, {"kode": application.tracking_code, "aksi": "batal", "yakin": "1"})
        application.refresh_from_db()
        assert application.state == S.CANCELLED

    def test_action_needs_csrf(self, service, utara):
        application = submit(service, utara)
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            reverse("forms_builder:track_action"),
            {"kode": application.tracking_code, "aksi": "batal"},
        )
        assert response.status_code == 403
        application.refresh_from_db()
        assert application.state == S.SUBMITTED

    def test_typo_is_told_apart_from_not_found(self, client, bontang):
        code = tracking.tracking_code_new()
        typo = code[:3] + ("0" if code[3] != "0" else "1") + code[4:]
        response = client.get(reverse("forms_builder:track"), {"kode": typo})
        assert response.status_code == 400
        assert (
            "salah" in response.content.decode().lower()
            or "mistake" in response.content.decode().lower()
        )
        response = client.get(reverse("forms_builder:track"), {"kode": code}, follow=True)
        assert response.status_code == 404

    def test_wrong_format(self, client, bontang):
        response = client.get(reverse("forms_builder:track"), {"kode": "123"})
        assert response.status_code == 400

    def test_rate_limited_per_ip(self, client, bontang, settings):
        settings.FORMS_BUILDER_LOOKUP_RATE = (5, 600)
        url = reverse("forms_builder:track")
        codes = [
            client.get(url, {"kode": "AAAA-AAAA-AA"}, follow=True).status_code for _ in range(6)
        ]
        assert codes[:5] != [429] * 5 and codes[5] == 429
        other = client.get(url, {"kode": "AAAA-AAAA-AA"}, REMOTE_ADDR="10.0.0.9", follow=True)
        assert other.status_code != 429

    def test_the_lookup_posts_the_code_and_lands_on_its_path(self, service, utara):
        application = submit(service, utara)
        client = Client(enforce_csrf_checks=True)  # a lookup changes nothing: no token
        response = client.post(reverse("forms_builder:track"), {"kode": application.tracking_code})
        assert response.status_code == 302
        assert response["Location"] == f"/lacak/{application.display_code}/"
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert 'method="post" action="/lacak/"' in page.content.decode()

    def test_no_form_sends_the_code_in_a_query_string(self, client, service, utara):
        import re

        application = submit(service, utara)
        for url in ("/", "/lacak/", f"/lacak/{application.display_code}/"):
            html = client.get(url).content.decode()
            forms_ = re.findall(r"<form\b[^>]*>.*?</form>", html, re.S)
            with_code = [f for f in forms_ if 'name="kode"' in f]
            assert with_code, url
            assert all('method="post"' in f.split(">", 1)[0] for f in with_code), url

    def test_old_links_with_the_code_in_the_query_are_sent_to_its_path(
        self, client, service, utara
    ):
        application = submit(service, utara)
        response = client.get(reverse("forms_builder:track"), {"kode": application.tracking_code})
        assert response.status_code == 301
        assert response["Location"] == f"/lacak/{application.display_code}/"

    def test_cancel_and_the_receipt_lead_to_the_path_not_a_query(self, client, service, utara):
        from forms_builder.notifications import tracker_url

        application = submit(service, utara)
        response = client.post(
            reverse("forms_builder:track_action"),
            {"kode": application.tracking_code, "aksi": "batal", "yakin": "1"},
        )
        assert response["Location"] == f"/lacak/{application.display_code}/"
        receipt = client.get(reverse("forms_builder:receipt", args=[application.tracking_code]))
        assert "kode=" not in receipt.content.decode()
        assert tracker_url(application).endswith(f"/lacak/{application.display_code}/")

    def test_empty_form_is_not_counted(self, client, bontang, settings):
        settings.FORMS_BUILDER_LOOKUP_RATE = (1, 600)
        for _ in range(3):
            assert client.get(reverse("forms_builder:track")).status_code == 200


class TestVerification:
    def test_shows_document_facts_only(self, client, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        response = client.get(
            reverse("forms_builder:verify", args=[application.verification_token])
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert application.result_number in content
        assert "Surat Keterangan Domisili" in content and "Bontang Utara" in content
        for personal in ("Siti", "S.R.", "siti@example.id", application.tracking_code):
            assert personal not in content

    def test_unknown_token(self, client, bontang):
        assert client.get(reverse("forms_builder:verify", args=["forged"])).status_code == 404

    def test_result_pdf_has_the_number(self, service, utara, staff):
        from forms_builder.pdf import result_pdf

        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        pdf = result_pdf(application=application, verify_url="http://testserver/verifikasi/x/")
        assert pdf.startswith(b"%PDF")

    def test_template_placeholders_are_escaped(self, service, utara, staff):
        from forms_builder.pdf import render_placeholders

        html = render_placeholders(
            "<p>{{ applicant_name }} {{ data.x }} {{ unknown }}</p>",
            {"applicant_name": "<b>", "data.x": "1"},
        )
        assert html == "<p>&lt;b&gt; 1 </p>"


class TestApplyLinkOnServicePage:
    def test_service_with_a_published_form_links_to_online_application(self, client, service):
        html = client.get(service.url + "?kecamatan=" + UTARA).content.decode()
        assert f'href="/ajukan/{service.code}/?kecamatan={UTARA}"' in html
        assert "Ajukan secara online" in html

    def test_service_without_a_form_has_no_link(self, client, bontang):
        other = make_service(title="Legalisasi", code="legal", steps=1)
        assert "/ajukan/legal/" not in client.get(other.url).content.decode()

    def test_publishing_a_form_refreshes_the_cached_service_page(
        self, client, bontang, django_capture_on_commit_callbacks
    ):
        other = make_service(title="Legalisasi", code="legal", steps=1)
        assert "/ajukan/legal/" not in client.get(other.url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            form_version_publish(
                service_form=service_form_create(other, [form_field("nama")], publish=False)
            )
        assert "/ajukan/legal/" in client.get(other.url).content.decode()
