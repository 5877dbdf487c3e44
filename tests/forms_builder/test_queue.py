"""The staff work queue and application detail in the admin."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from forms_builder.models import Application
from forms_builder.services.applications import Applicant
from forms_builder.workflow import ApplicationState
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from tests.bontang import UTARA

from .factories import advance, form_version_for, good_data, pdf_upload, submit

pytestmark = pytest.mark.django_db
S = ApplicationState
QUEUE = "/admin/permohonan/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_transition(
    client: Client, application: Application, to_state=S.VERIFYING, *, follow=False, **fields
):
    """POST a move from the detail page (with any other form ``fields``); the application
    is reloaded."""
    response = client.post(
        reverse("forms_builder_admin:transition", args=[application.pk]),
        {"to_state": to_state, **fields},
        follow=follow,
    )
    application.refresh_from_db()
    return response


class TestQueue:
    def test_lists_only_own_kecamatan(self, service, utara, selatan, loket, loket_selatan):
        mine = submit(service, utara)
        theirs = submit(service, selatan)
        content = login(loket).get(QUEUE).content.decode()
        assert mine.display_code in content
        assert theirs.display_code not in content

    def test_filters(self, service, utara, loket, staff):
        waiting = submit(service, utara)
        processing = advance(submit(service, utara), **staff, until=S.PROCESSING)
        Application.objects.filter(pk=processing.pk).update(
            due_at=timezone.now() - timedelta(hours=1)
        )
        client = login(loket)
        content = client.get(QUEUE, {"state": S.PROCESSING}).content.decode()
        assert processing.display_code in content and waiting.display_code not in content
        content = client.get(QUEUE, {"overdue": "on"}).content.decode()
        assert processing.display_code in content and waiting.display_code not in content
        assert 'data-badge="overdue"' in content
        content = client.get(QUEUE, {"service": service.pk}).content.decode()
        assert waiting.display_code in content

    def test_due_soon_badge(self, service, utara, loket, staff):
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        Application.objects.filter(pk=application.pk).update(
            due_at=timezone.now() + timedelta(hours=3)
        )
        assert 'data-badge="due-soon"' in login(loket).get(QUEUE).content.decode()

    def test_query_count_is_constant(self, service, utara, loket, django_assert_num_queries):
        client = login(loket)

        def count_for(n):
            existing = Application.objects.count()
            for _ in range(n - existing):
                submit(service, utara)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(QUEUE).status_code == 200
            return len(ctx.captured_queries)

        five = count_for(5)
        thirty = count_for(30)
        assert five == thirty
        with django_assert_num_queries(thirty):
            client.get(QUEUE)

    def test_non_staff_redirected(self, client, service):
        assert client.get(QUEUE).status_code == 302


class TestDetail:
    def test_labels_from_its_own_version(self, service, utara, loket):
        from .factories import form_version_for

        application = submit(service, utara)
        form_version_for(
            service,
            schema=[
                {
                    "key": "nama_lengkap",
                    "label": "Nama (baru)",
                    "type": "singleline",
                    "required": True,
                }
            ],
        )
        content = (
            login(loket)
            .get(reverse("forms_builder_admin:detail", args=[application.pk]))
            .content.decode()
        )
        assert "Nama lengkap" in content and "Nama (baru)" not in content
        assert "Siti Rahmawati" not in content  # a name: masked

    def test_other_kecamatan_gets_404(self, service, utara, loket_selatan):
        application = submit(service, utara)
        client = login(loket_selatan)
        assert (
            client.get(reverse("forms_builder_admin:detail", args=[application.pk])).status_code
            == 404
        )
        response = client.post(
            reverse("forms_builder_admin:transition", args=[application.pk]),
            {"to_state": S.VERIFYING},
        )
        assert response.status_code == 404
        application.refresh_from_db()
        assert application.state == S.SUBMITTED

    @pytest.mark.parametrize(
        ("role", "codes"), [(Role.PPID, [UTARA]), (Role.PPID, []), (Role.EVALUATOR, [])]
    )
    def test_roles_without_the_application_permission(self, service, utara, role, codes):
        """Typing the URLs: the queue is refused (Wagtail sends a refused user to the
        admin home), the detail and its result are 404."""
        application = submit(service, utara)
        user = staff_create(username="other", password="x", roles=[role], kecamatan=codes)
        client = login(user)
        response = client.get(QUEUE)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        for name in ("detail", "result_pdf"):
            url = reverse(f"forms_builder_admin:{name}", args=[application.pk])
            assert client.get(url).status_code == 404
        assert "/admin/permohonan/" not in client.get("/admin/").content.decode()

    def test_buttons_only_for_allowed_transitions(self, service, utara, loket, camat):
        application = submit(service, utara)
        url = reverse("forms_builder_admin:detail", args=[application.pk])
        assert 'data-transition="verifikasi"' in login(loket).get(url).content.decode()
        assert "data-transition=" not in login(camat).get(url).content.decode()

    def test_transition_by_post(self, service, utara, loket):
        application = submit(service, utara)
        assert post_transition(login(loket), application).status_code == 302
        assert application.state == S.VERIFYING

    def test_refused_transition_shows_message(self, service, utara, camat):
        application = submit(service, utara)
        assert post_transition(login(camat), application, follow=True).status_code == 200
        assert application.state == S.SUBMITTED

    def test_transition_needs_csrf(self, service, utara, loket):
        application = submit(service, utara)
        client = Client(enforce_csrf_checks=True)
        client.force_login(loket)
        assert post_transition(client, application).status_code == 403
        assert application.state == S.SUBMITTED

    def test_result_pdf_for_staff(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        response = login(staff["camat"]).get(
            reverse("forms_builder_admin:result_pdf", args=[application.pk])
        )
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


class TestCounterIntake:
    def test_choose_service_then_register(self, service, utara, loket):
        client = login(loket)
        url = reverse("forms_builder_admin:intake")
        assert service.title in client.get(url).content.decode()
        form_url = f"{url}?service={service.pk}"
        assert 'name="nama_lengkap"' in client.get(form_url).content.decode()
        response = client.post(
            form_url,
            {
                "pemohon-name": "Budi Santoso",
                "pemohon-originals_checked": ["doc0"],
                "nama_lengkap": "Budi Santoso",
                "keperluan": "Lainnya",
                "surat_pengantar": pdf_upload(),
            },
        )
        assert response.status_code == 302
        application = Application.objects.get()
        assert application.channel == "loket" and application.created_by == loket
        assert application.originals_checked == ["doc0"]

    def test_only_for_petugas_loket(self, service, camat):
        assert login(camat).get(reverse("forms_builder_admin:intake")).status_code == 404


class TestIssuanceSettingsAdmin:
    def test_pemda_admin_edits_the_pattern(self, service):
        from forms_builder.models import IssuanceSettings
        from paten.accounts.constants import Role
        from paten.accounts.services import roles_sync_permissions, staff_create

        roles_sync_permissions()
        admin = staff_create(username="adminpemda", password="x", roles=[Role.ADMIN_PEMDA])
        client = login(admin)
        assert client.get("/admin/issuance_settings/").status_code == 200
        response = client.post(
            "/admin/issuance_settings/new/",
            {
                "service": service.pk,
                "number_pattern": "{seq:04}/{service_code}/{year}",
                "validity_days": "90",
                "template": "<p>{{ number }}</p>",
            },
        )
        assert response.status_code == 302
        assert IssuanceSettings.objects.get().validity_days == 90

    def test_bad_pattern_refused(self, service):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_superuser("root", "r@example.id", "x")
        response = login(admin).post(
            "/admin/issuance_settings/new/",
            {"service": service.pk, "number_pattern": "{seq.__class__}", "template": ""},
        )
        assert response.status_code == 200
        from forms_builder.models import IssuanceSettings

        assert not IssuanceSettings.objects.exists()

    def test_camat_cannot_edit(self, camat):
        assert login(camat).get("/admin/issuance_settings/").status_code in (302, 403)


NIK = "6474011203900001"  # Bontang Utara, born 12-03-1990


def nik_version(service):
    from .factories import DEFAULT_SCHEMA, spec

    return form_version_for(service, schema=[spec("nik_pemohon", "nik"), *DEFAULT_SCHEMA])


class TestQueueSearch:
    def test_finds_by_part_of_the_name_by_post(self, service, utara, loket):
        budi = submit(service, utara, applicant=Applicant(name="Budi Santoso", phone="0812345678"))
        siti = submit(service, utara)
        content = login(loket).post(QUEUE, {"q": "santo"}).content.decode()
        assert budi.display_code in content and siti.display_code not in content

    def test_finds_by_code_with_or_without_dashes(self, service, utara, loket):
        wanted, other = submit(service, utara), submit(service, utara)
        client = login(loket)
        for query in (wanted.display_code, wanted.tracking_code.lower()):
            content = client.post(QUEUE, {"q": query}).content.decode()
            assert wanted.display_code in content and other.display_code not in content

    def test_finds_by_exact_nik_only(self, service, utara, loket):
        nik_version(service)
        wanted = submit(service, utara, data=good_data(nik_pemohon=NIK))
        other = submit(service, utara, data=good_data(nik_pemohon="6474014507850002"))
        assert wanted.applicant_nik_digest and NIK not in wanted.applicant_nik_digest
        client = login(loket)
        content = client.post(QUEUE, {"q": "6474 0112 0390 0001"}).content.decode()
        assert wanted.display_code in content and other.display_code not in content
        # A part of a NIK finds nothing: NIKs match exactly.
        content = client.post(QUEUE, {"q": NIK[:12]}).content.decode()
        assert wanted.display_code not in content and other.display_code not in content

    def test_search_stays_in_the_kecamatan(self, service, utara, selatan, loket):
        theirs = submit(
            service, selatan, applicant=Applicant(name="Budi Santoso", phone="0812345678")
        )
        content = login(loket).post(QUEUE, {"q": "Budi"}).content.decode()
        assert theirs.display_code not in content and "Budi Santoso" not in content

    def test_too_short_a_search_finds_nothing_and_says_why(self, service, utara, loket):
        application = submit(service, utara)
        content = login(loket).post(QUEUE, {"q": "S"}).content.decode()
        assert application.display_code not in content
        assert "minimal tiga karakter" in content

    def test_global_search_box_sends_q_to_the_queue(self, service, utara, loket):
        budi = submit(service, utara, applicant=Applicant(name="Budi Santoso", phone="0812345678"))
        siti = submit(service, utara)
        response = login(loket).get(QUEUE, {"q": "budi"})
        assert response.status_code == 200
        content = response.content.decode()
        assert budi.display_code in content and siti.display_code not in content

    def test_global_search_area_is_the_queue_for_the_loket(self, rf, loket):
        from wagtail.admin.search import admin_search_areas

        request = rf.get("/admin/")
        request.user = loket
        first = admin_search_areas.search_items_for_request(request)[0]
        assert first.name == "applications" and first.url == QUEUE


class TestNikDigestMigration:
    def test_existing_applications_get_their_digest(self, service, utara):
        from importlib import import_module

        from django.apps import apps

        from forms_builder.models.application import nik_digest

        nik_version(service)
        application = submit(service, utara, data=good_data(nik_pemohon=NIK))
        Application.objects.filter(pk=application.pk).update(applicant_nik_digest="")
        migration = import_module("forms_builder.migrations.0007_applicant_nik_digest")
        migration.fill_digests(apps, None)
        application.refresh_from_db()
        assert application.applicant_nik_digest == nik_digest(NIK)


@pytest.fixture
def personal_application(service, utara):
    from .factories import form_version_for, spec

    form_version_for(
        service,
        [
            spec("nik", "nik", label="NIK"),
            spec("nama_lengkap", label="Nama lengkap"),
            spec("keperluan", label="Keperluan"),
        ],
    )
    return submit(
        service, utara, data={"nik": NIK, "nama_lengkap": "Budi Santoso", "keperluan": "Sekolah"}
    )


class TestPersonalData:
    def detail(self, user, application):
        return login(user).get(reverse("forms_builder_admin:detail", args=[application.pk]))

    def test_masked_without_the_permission_and_no_show_button(self, personal_application, loket):
        content = self.detail(loket, personal_application).content.decode()
        assert "647401********01" in content and NIK not in content
        assert "Budi Santoso" not in content and "Siti Rahmawati" not in content
        assert "Sekolah" in content  # not personal
        assert "data-reveal" not in content

    def test_masked_for_the_camat_until_shown_and_the_read_is_recorded(
        self, personal_application, camat
    ):
        from forms_builder.models import AccessAction, PersonalDataAccess

        response = self.detail(camat, personal_application)
        content = response.content.decode()
        assert NIK not in content and "data-reveal" in content
        assert "no-store" in response["Cache-Control"]
        assert not PersonalDataAccess.objects.exists()
        url = reverse("forms_builder_admin:reveal", args=[personal_application.pk])
        assert login(camat).get(url).status_code == 405  # a POST only
        response = login(camat).post(url)
        content = response.content.decode()
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert NIK in content and "Budi Santoso" in content and "Siti Rahmawati" in content
        event = PersonalDataAccess.objects.get()
        assert event.action == AccessAction.VIEWED
        assert (event.actor, event.actor_username) == (camat, "camat.utara")
        assert event.application == personal_application
        assert event.kecamatan_id == personal_application.kecamatan_id
        assert "NIK" in event.detail and "Nama lengkap" in event.detail
        assert "Keperluan" not in event.detail

    def test_showing_needs_the_permission(self, personal_application, loket):
        from forms_builder.models import PersonalDataAccess

        url = reverse("forms_builder_admin:reveal", args=[personal_application.pk])
        response = login(loket).post(url)
        assert response.status_code in {302, 403}  # Wagtail sends a refusal home
        assert NIK not in response.content.decode()
        assert not PersonalDataAccess.objects.exists()

    def test_showing_another_kecamatans_application_is_a_404(
        self, personal_application, camat_selatan
    ):
        url = reverse("forms_builder_admin:reveal", args=[personal_application.pk])
        assert login(camat_selatan).post(url).status_code == 404


def counter_version(service):
    """A form that asks the applicant's name and phone itself, a required scan of the
    original-only document doc0, a proxy question and a desa/kelurahan."""
    from .factories import spec

    return form_version_for(
        service,
        schema=[
            spec("nama_pemohon", "applicant_name", label="Nama lengkap"),
            spec("no_hp", "phone", label="Nomor HP", required=False),
            spec("kelurahan", "region"),
            spec("tanggal_acara", "date", required=False),
            spec("dikuasakan", "radio", choices="Tidak\nYa"),
            spec("nama_penerima_kuasa", condition=("dikuasakan", "Ya")),
            spec("ktp", "file", required_document_key="doc0"),
        ],
    )


def intake_post(client, service, **extra):
    data = {
        "nama_pemohon": "Budi Santoso",
        "no_hp": "0812 3456 7890",
        "kelurahan": "64.74.01.1002",
        "tanggal_acara": "2026-12-01",
        "dikuasakan": "Tidak",
        **extra,
    }
    return client.post(f"{reverse('forms_builder_admin:intake')}?service={service.pk}", data)


class TestCounterIntakeOnce:
    def test_name_and_phone_are_asked_once(self, service, utara, loket):
        counter_version(service)
        client = login(loket)
        page = client.get(f"{reverse('forms_builder_admin:intake')}?service={service.pk}")
        content = page.content.decode()
        assert 'name="nama_pemohon"' in content and 'name="no_hp"' in content
        assert 'name="pemohon-name"' not in content and 'name="pemohon-phone"' not in content
        response = intake_post(client, service, **{"pemohon-originals_checked": ["doc0"]})
        assert response.status_code == 302
        application = Application.objects.get()
        assert application.applicant_name == "Budi Santoso"
        assert application.applicant_phone == "+6281234567890"

    def test_a_checked_original_needs_no_scan(self, service, utara, loket):
        counter_version(service)
        client = login(loket)
        refused = intake_post(client, service)
        assert refused.status_code == 200 and not Application.objects.exists()
        response = intake_post(client, service, **{"pemohon-originals_checked": ["doc0"]})
        assert response.status_code == 302
        assert Application.objects.get().originals_checked == ["doc0"]

    def test_a_digital_only_document_is_still_scanned(self, service, utara, loket):
        from service_catalog.constants import DocumentForm

        counter_version(service)
        service.required_documents.filter(key="doc0").update(form=DocumentForm.DIGITAL)
        response = intake_post(login(loket), service, **{"pemohon-originals_checked": ["doc0"]})
        assert response.status_code == 200 and not Application.objects.exists()

    def test_proxy_name_is_asked_only_for_a_proxy(self, service, utara, loket):
        counter_version(service)
        client = login(loket)
        page = client.get(f"{reverse('forms_builder_admin:intake')}?service={service.pk}")
        # conditional.js hides "Nama penerima kuasa" while "Tidak" is chosen.
        assert "forms_builder/conditional.js" in page.content.decode()
        refused = intake_post(
            client, service, dikuasakan="Ya", **{"pemohon-originals_checked": ["doc0"]}
        )
        assert refused.status_code == 200 and not Application.objects.exists()

    def test_register_and_verify_in_one_step(
        self, service, utara, loket, django_capture_on_commit_callbacks
    ):
        counter_version(service)
        with django_capture_on_commit_callbacks() as callbacks:
            response = intake_post(
                login(loket),
                service,
                **{"pemohon-originals_checked": ["doc0"], "pemohon-complete": "on"},
            )
        assert response.status_code == 302
        application = Application.objects.get()
        assert application.state == S.PROCESSING and application.verified_at is not None
        assert [e.to_state for e in application.events.all()] == [
            S.SUBMITTED,
            S.VERIFYING,
            S.PROCESSING,
        ]
        # One notification, of where the application stands now.
        notifications = [c for c in callbacks if "_queue_notification" in c.__qualname__]
        assert len(notifications) == 1

    def test_ends_at_the_receipt_to_print(self, service, utara, loket):
        counter_version(service)
        client = login(loket)
        response = intake_post(client, service, **{"pemohon-originals_checked": ["doc0"]})
        application = Application.objects.get()
        assert response["Location"].endswith(f"/admin/permohonan/{application.pk}/#bukti")
        detail = client.get(reverse("forms_builder_admin:detail", args=[application.pk]))
        receipt_url = reverse("forms_builder_admin:receipt_pdf", args=[application.pk])
        assert receipt_url in detail.content.decode()
        receipt = client.get(receipt_url)
        assert receipt["Content-Type"] == "application/pdf"
        assert receipt["Content-Disposition"].startswith("inline")
        assert receipt.content.startswith(b"%PDF")

    def test_receipt_of_another_kecamatan_is_404(self, service, selatan, loket):
        application = submit(service, selatan)
        url = reverse("forms_builder_admin:receipt_pdf", args=[application.pk])
        assert login(loket).get(url).status_code == 404


class TestDetailReadable:
    def test_region_names_long_dates_and_original_names(self, service, utara, loket):
        counter_version(service)
        intake_post(login(loket), service, **{"pemohon-originals_checked": ["doc0"]})
        application = Application.objects.get()
        content = (
            login(loket)
            .get(reverse("forms_builder_admin:detail", args=[application.pk]))
            .content.decode()
        )
        assert "Bontang Baru" in content and "64.74.01.1002" not in content
        assert "1 Desember 2026" in content and "2026-12-01" not in content
        document = service.required_documents.get(key="doc0")
        assert document.name in content

    def test_attachment_opens_inline_or_downloads(self, service, utara, loket):
        application = submit(service, utara, files={"surat_pengantar": pdf_upload()})
        attachment = application.attachments.get()
        client = login(loket)
        detail = client.get(reverse("forms_builder_admin:detail", args=[application.pk]))
        view_url = reverse("forms_builder_admin:attachment_view", args=[attachment.pk])
        assert view_url in detail.content.decode()
        viewed = client.get(view_url)
        assert viewed["Content-Disposition"].startswith("inline")
        assert viewed["Content-Type"] == "application/pdf"
        downloaded = client.get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))
        assert downloaded["Content-Disposition"].startswith("attachment")

    def test_cancel_needs_its_confirmation(self, service, utara, loket):
        application = submit(service, utara)
        client = login(loket)
        post_transition(client, application, S.CANCELLED)
        assert application.state == S.SUBMITTED
        post_transition(client, application, S.CANCELLED, confirm="1")
        assert application.state == S.CANCELLED

    def test_cancel_sits_apart_from_the_next_step(self, service, utara, loket):
        application = submit(service, utara)
        content = (
            login(loket)
            .get(reverse("forms_builder_admin:detail", args=[application.pk]))
            .content.decode()
        )
        destructive = content.index("data-destructive-actions")
        assert content.index('data-transition="verifikasi"') < destructive
        assert content.index('data-transition="dibatalkan"') > destructive


class TestSigningPreview:
    def test_camat_previews_then_signs(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.AWAITING_SIGNATURE)
        client = login(staff["camat"])
        preview_url = reverse("forms_builder_admin:result_preview", args=[application.pk])
        detail = client.get(reverse("forms_builder_admin:detail", args=[application.pk]))
        assert preview_url in detail.content.decode()
        preview = client.get(preview_url)
        assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
        application.refresh_from_db()
        assert application.result_number is None  # a preview draws no number
        post_transition(client, application, S.FINISHED)
        assert application.state == S.AWAITING_SIGNATURE
        post_transition(client, application, S.FINISHED, previewed="1")
        assert application.state == S.FINISHED and application.result_number

    def test_no_preview_outside_the_signature_step(self, service, utara, staff):
        application = submit(service, utara)
        url = reverse("forms_builder_admin:result_preview", args=[application.pk])
        assert login(staff["camat"]).get(url).status_code == 404
