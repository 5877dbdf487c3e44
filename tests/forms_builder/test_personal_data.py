"""The "data pribadi" mark of form fields: defaults by type and label, masking."""

from datetime import timedelta

import pytest

from forms_builder.constants import FieldType
from forms_builder.models import FormVersion
from forms_builder.personal_data import (
    field_is_personal_by_default,
    mask_value,
    personal_keys,
    spec_is_personal,
)

from .factories import form_field, service_form_create, spec


class TestDefaults:
    @pytest.mark.parametrize(
        ("field_type", "key", "label"),
        [
            (FieldType.NIK, "nomor", "Nomor"),
            (FieldType.NO_KK, "kk", "KK"),
            (FieldType.NPWP, "npwp", "NPWP"),
            (FieldType.BIRTH_DATE, "tgl", "Tanggal"),
            (FieldType.PHONE, "kontak", "Kontak"),
            (FieldType.EMAIL, "surat", "Surat"),
            (FieldType.SINGLELINE, "nama_pemohon", "Nama lengkap"),
            (FieldType.SINGLELINE, "tempat_lahir", "Tempat lahir"),
            (FieldType.MULTILINE, "alamat", "Alamat"),
            (FieldType.SINGLELINE, "nama_pewaris", "Nama almarhum/almarhumah"),
            (FieldType.MULTILINE, "daftar_ahli_waris", "Nama ahli waris dan hubungan keluarga"),
            (FieldType.SINGLELINE, "nama_penerima_kuasa", "Nama penerima kuasa"),
            (FieldType.SINGLELINE, "x1", "Full name"),
        ],
    )
    def test_personal_by_type_or_by_what_the_field_names(self, field_type, key, label):
        assert field_is_personal_by_default(field_type=field_type, key=key, label=label)

    @pytest.mark.parametrize(
        ("field_type", "key", "label"),
        [
            (FieldType.SINGLELINE, "nama_usaha", "Nama usaha"),
            (FieldType.SINGLELINE, "nama_acara", "Nama/jenis acara"),
            (FieldType.RADIO, "dikuasakan", "Permohonan dikuasakan kepada orang lain?"),
            (FieldType.DROPDOWN, "keperluan", "Keperluan surat"),
            (FieldType.NUMBER, "jumlah_tamu", "Perkiraan jumlah tamu"),
            (FieldType.DATE, "tanggal_acara", "Tanggal acara"),
        ],
    )
    def test_other_fields_are_not(self, field_type, key, label):
        assert not field_is_personal_by_default(field_type=field_type, key=key, label=label)

    def test_a_version_without_the_mark_is_judged_as_a_new_field(self):
        assert spec_is_personal(spec("alamat", "multiline", label="Alamat"))
        assert not spec_is_personal(spec("keperluan", label="Keperluan"))

    def test_the_stored_mark_wins_except_for_identity_numbers(self):
        assert not spec_is_personal(spec("alamat", label="Alamat", personal=False))
        assert spec_is_personal(spec("catatan", label="Catatan", personal=True))
        assert spec_is_personal(spec("nik", "nik", label="NIK", personal=False))

    def test_personal_keys(self):
        schema = [spec("nama_lengkap", label="Nama lengkap"), spec("keperluan")]
        assert personal_keys(schema) == {"nama_lengkap"}


class TestMasking:
    @pytest.mark.parametrize(
        ("value", "field_type", "masked"),
        [
            ("6474011203900001", FieldType.NIK, "647401********01"),
            ("+6281234567890", FieldType.PHONE, "*" * 12 + "90"),
            ("siti@example.id", FieldType.EMAIL, "s***@example.id"),
            ("Siti Rahmawati", FieldType.SINGLELINE, "***"),
            ("1990-03-12", FieldType.BIRTH_DATE, "***"),
            ("", FieldType.MULTILINE, ""),
        ],
    )
    def test_mask_value(self, value, field_type, masked):
        assert mask_value(value, field_type=field_type) == masked


@pytest.mark.django_db
class TestFormFieldMark:
    def test_new_fields_get_their_default_and_the_version_keeps_it(self, service):
        service_form = service_form_create(
            service,
            [
                form_field("nik_pemohon", "nik", label="NIK"),
                form_field("nama_pemohon", label="Nama lengkap"),
                form_field("keperluan", label="Keperluan"),
                form_field("catatan", label="Catatan", personal=True),
            ],
        )
        marks = {f.key: f.personal for f in service_form.form_fields.all()}
        assert marks == {
            "nik_pemohon": True,
            "nama_pemohon": True,
            "keperluan": False,
            "catatan": True,
        }
        schema = FormVersion.objects.current_for(service).schema
        assert {s["key"]: s["personal"] for s in schema} == marks

    def test_the_admin_may_untick_a_field_but_not_an_identity_number(self, service):
        service_form = service_form_create(
            service,
            [form_field("nama", label="Nama"), form_field("nik", "nik")],
        )
        name, nik = service_form.form_fields.order_by("sort_order")
        assert name.personal
        name.personal = nik.personal = False
        name.save()
        nik.save()
        name.refresh_from_db()
        nik.refresh_from_db()
        assert not name.personal
        assert nik.personal


# -- the demo data scanned: public pages and default exports ------------------------------


def demo_personal_values() -> set[str]:
    """The literal values of every personal field of the demo applications, with the
    applicants' names and contacts. Place names alone (a birth place "Bontang") are
    public facts that the site names anyway, so values equal to a region's name are
    left out; so are values too short to identify anyone."""
    from forms_builder.models import Application
    from paten.regions.models import Region

    region_names = {
        name.lower().removeprefix("kota ").removeprefix("kabupaten ")
        for name in Region.objects.values_list("name", flat=True)
    }
    values = set()
    for application in Application.objects.select_related("form_version"):
        values |= {
            application.applicant_name,
            application.applicant_phone,
            application.applicant_email,
        }
        keys = personal_keys(application.form_version.schema)
        values |= {
            str(value)
            for key, value in application.data.items()
            if key in keys and value not in (None, "", [])
        }
    return {
        value for value in values if value and len(value) >= 4 and value.lower() not in region_names
    }


def public_urls() -> list[str]:
    """Every public page of the demo site: the sitemap, the fixed routes, and each
    demo application's tracker, receipt, survey and verification pages."""
    import re

    from django.test import Client

    from forms_builder.models import Application
    from reporting.models import SurveyPeriod
    from service_catalog.models import ServicePage

    urls = {
        "/",
        "/layanan/",
        "/data/katalog-layanan.csv",
        "/ikm/",
        "/evaluasi/",
        "/informasi-publik/",
        "/informasi-publik/dip.csv",
        "/informasi-publik/statistik/",
        "/permohonan-informasi/",
        "/lacak/",
        "/survei/",
        "/api/layanan/",
        "/api/kategori/",
        "/robots.txt",
        "/sitemap.xml",
    }
    sitemap = Client().get("/sitemap.xml").content.decode()
    urls |= {
        re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)
    }
    for service in ServicePage.objects.live():
        urls.add(f"/ajukan/{service.code}/")
    for period in SurveyPeriod.objects.all():
        urls |= {f"/ikm/{period.slug}/", f"/ikm/{period.slug}.csv"}
    for code, token in Application.objects.values_list("tracking_code", "verification_token"):
        urls |= {f"/lacak/{code}/", f"/lacak/{code}/bukti/", f"/survei/{code}/"}
        if token:
            urls.add(f"/verifikasi/{token}/")
    return sorted(urls)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_demo_applicant_value_on_any_public_page_or_default_export(
    settings, fresh_cache, django_capture_on_commit_callbacks
):
    """Load the demo, then fetch every public URL, the default exports and every report
    kind's CSV/XLSX: none of the demo applicants' identifying values appears (masked
    exports, initials on the tracker, no personal field in reports)."""
    import html
    import io

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("load_demo_data", stdout=io.StringIO())
    values = demo_personal_values()
    assert len(values) > 50  # names, NIKs, No. KK, phones, e-mails, birth dates, addresses

    def leaks(content: str) -> set[str]:
        return {v for v in values if v in content or html.escape(v) in content}

    client = Client()
    fetched = 0
    for url in public_urls():
        cache.clear()  # the trackers' lookup limit is not what is tested here
        response = client.get(url, follow=True)
        assert response.status_code in {200, 404, 410}, url
        if response.status_code == 200:
            fetched += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert not leaks(body.decode("utf-8", "replace")), url
    assert fetched > 30

    admin = get_user_model().objects.get(username="admin")
    staff = Client()
    staff.force_login(admin)
    today = timezone.localdate()
    for file_format in ("csv", "xlsx"):
        response = staff.post(
            "/admin/ekspor-data/",
            {
                "dataset": "permohonan",
                "file_format": file_format,
                "start": (today - timedelta(days=700)).isoformat(),
                "end": today.isoformat(),
            },
        )
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        if file_format == "csv":
            text = content.decode("utf-8-sig")
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
            text = "\n".join(
                "\t".join("" if c is None else str(c) for c in row)
                for row in sheet.iter_rows(values_only=True)
            )
        assert text.count("\n") > 20  # the demo applications are in it
        assert not leaks(text), file_format

    # Every report kind with a CSV or XLSX output, as the pemda administrator asks it.
    from django.core.exceptions import PermissionDenied

    from reporting.models import ReportOutput, ReportStatus
    from reporting.reports.registry import registered_kinds
    from reporting.reports.services import ReportRequestError, report_run_request

    checked = []
    for kind, definition in sorted(registered_kinds().items()):
        formats = [f for f in definition.formats if f in ("csv", "xlsx")]
        if not formats or not definition.permits(admin):
            continue
        try:
            with django_capture_on_commit_callbacks(execute=True):
                run = report_run_request(
                    user=admin,
                    kind=kind,
                    start=today - timedelta(days=365),
                    end=today,
                    formats=formats,
                    options={"dataset": "permohonan"},
                )
        except (PermissionDenied, ReportRequestError):
            continue
        run.refresh_from_db()
        if run.status != ReportStatus.DONE:
            continue
        for output in ReportOutput.objects.filter(run=run):
            with output.file.open("rb") as handle:
                content = handle.read()
            if output.format == "csv":
                text = content.decode("utf-8-sig")
            else:
                from openpyxl import load_workbook

                book = load_workbook(io.BytesIO(content), read_only=True)
                text = "\n".join(
                    "\t".join("" if c is None else str(c) for c in row)
                    for sheet in book.worksheets
                    for row in sheet.iter_rows(values_only=True)
                )
            assert not leaks(text), (kind, output.format)
        checked.append(kind)
    assert len(checked) >= 3, checked
