"""ApplicationResource: scoped rows, form data flattened per version, masking, escaping."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

import pytest

from forms_builder.models import Application, Attachment
from forms_builder.resources import (
    ApplicationResource,
    mask_email,
    mask_name,
    mask_number,
    mask_phone,
)
from forms_builder.services.applications import Applicant
from paten.workdays.calendar import WorkingCalendar

from .factories import advance, form_version_for, pdf_upload, spec, submit

pytestmark = pytest.mark.django_db

NIK = "6474011203900001"
NO_KK = "6474010101200002"
PHONE = "+6281234567890"

#: Version 2 of the service's form: identity numbers, contact details, no file.
PERSONAL_SCHEMA = [
    spec("nama_lengkap", label="Nama pemohon"),
    spec("nik", "nik", label="NIK"),
    spec("no_kk", "no_kk", label="No. KK"),
    spec("telepon", "phone", label="Telepon", required=False),
    spec("keterangan", "multiline", label="Keterangan", required=False),
]


def with_personal_data_permission(user):
    permission = Permission.objects.get(
        content_type__app_label="forms_builder", codename="view_personal_data"
    )
    user.user_permissions.add(permission)
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def exported(user, **kwargs) -> list[dict]:
    dataset = ApplicationResource(user=user, **kwargs).export()
    return [dict(zip(dataset.headers, row, strict=True)) for row in dataset]


def row_of(rows: list[dict], application: Application) -> dict:
    return next(row for row in rows if row["kode_pelacakan"] == application.display_code)


@pytest.fixture
def old_application(service, utara):
    """Filled in with version 1 (the default schema), with its letter uploaded."""
    return submit(
        service,
        utara,
        files={"surat_pengantar": pdf_upload()},
        applicant=Applicant(name="Siti Rahmawati", phone=PHONE, email="siti@example.id"),
    )


@pytest.fixture
def personal_application(service, utara, old_application):
    """Filled in with version 2, which asks for NIK, No. KK and a phone number."""
    form_version_for(service, PERSONAL_SCHEMA)
    return submit(
        service,
        utara,
        data={"nama_lengkap": "Budi Santoso", "nik": NIK, "no_kk": NO_KK, "telepon": PHONE},
        applicant=Applicant(name="Budi Santoso", phone=PHONE, email="budi@example.id"),
    )


class TestMasking:
    @pytest.mark.parametrize(
        ("value", "masked"),
        [
            (NIK, "647401********01"),
            (NO_KK, "647401********02"),
            ("123", "****"),
            ("", ""),
        ],
    )
    def test_numbers_keep_the_area_code_and_the_last_two_digits(self, value, masked):
        assert mask_number(value) == masked

    def test_contact_details_and_names(self):
        assert mask_phone(PHONE) == "*" * 12 + "90"
        assert mask_email("siti@example.id") == "s***@example.id"
        assert mask_name("Siti Rahmawati") == "S. R."

    def test_personal_data_is_masked_by_default(self, personal_application, loket):
        row = row_of(exported(loket), personal_application)
        assert row["NIK [nik]"] == "647401********01"
        assert row["No. KK [no_kk]"] == "647401********02"
        assert row["Telepon [telepon]"] == "*" * 12 + "90"
        assert row["nama_pemohon"] == "B. S."
        assert row["telepon_pemohon"] == "*" * 12 + "90"
        assert row["email_pemohon"] == "b***@example.id"
        flat = " ".join(str(value) for value in row.values())
        assert NIK not in flat and NO_KK not in flat and PHONE not in flat

    def test_unmasked_with_the_permission(self, personal_application, loket):
        row = row_of(exported(with_personal_data_permission(loket)), personal_application)
        assert row["NIK [nik]"] == NIK
        assert row["No. KK [no_kk]"] == NO_KK
        assert row["nama_pemohon"] == "Budi Santoso"
        assert row["email_pemohon"] == "budi@example.id"

    def test_a_user_with_the_permission_may_still_ask_for_masked_data(
        self, personal_application, loket
    ):
        user = with_personal_data_permission(loket)
        row = row_of(exported(user, unmask=False), personal_application)
        assert row["NIK [nik]"] == "647401********01"

    def test_asking_for_unmasked_data_without_the_permission_masks_it(
        self, personal_application, loket
    ):
        row = row_of(exported(loket, unmask=True), personal_application)
        assert row["NIK [nik]"] == "647401********01"
        assert row["nama_pemohon"] == "B. S."

    def test_a_key_personal_in_any_version_is_masked_in_every_version(self, service, utara, loket):
        form_version_for(service, [spec("nomor", label="Nomor")])
        old = submit(service, utara, data={"nomor": NIK})
        form_version_for(service, [spec("nomor", "nik", label="Nomor")])
        row = row_of(exported(loket), old)
        assert row["Nomor [nomor]"] == "647401********01"


class TestColumns:
    def test_form_data_is_flattened_to_the_union_of_the_versions_columns(
        self, old_application, personal_application, loket
    ):
        dataset = ApplicationResource(user=loket).export()
        data_headers = dataset.headers[dataset.headers.index("tepat_waktu") + 1 :]
        # The newest version first (its labels win), then what only version 1 had.
        assert data_headers == [
            "Nama pemohon [nama_lengkap]",
            "NIK [nik]",
            "No. KK [no_kk]",
            "Telepon [telepon]",
            "Keterangan [keterangan]",
            "Keperluan [keperluan]",
            "Surat pengantar [surat_pengantar]",
        ]
        rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
        old = row_of(rows, old_application)
        assert old["Nama pemohon [nama_lengkap]"] == "***"  # a name: personal data
        assert old["Keperluan [keperluan]"] == "Sekolah"
        assert old["NIK [nik]"] == ""  # not a field of version 1
        new = row_of(rows, personal_application)
        assert new["Keperluan [keperluan]"] == ""  # not a field of version 2

    def test_a_file_field_is_the_number_of_attachments_never_a_name_or_path(
        self, old_application, loket
    ):
        row = row_of(exported(loket), old_application)
        assert row["Surat pengantar [surat_pengantar]"] == 1
        flat = " ".join(str(value) for value in row.values())
        assert "pengantar.pdf" not in flat
        assert "applications/" not in flat

    def test_a_replaced_file_is_not_counted_again(self, old_application, loket):
        """The applicant replaced the letter after a return: both files are kept, the
        document counts once (in the streamed export and for a single row)."""
        old = old_application.attachments.get()
        new = Attachment.objects.create(
            application=old_application,
            required_document_key=old.required_document_key,
            file=old.file.name,
            content_type=old.content_type,
            size=old.size,
            sha256=old.sha256,
        )
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        assert row_of(exported(loket), old_application)["Surat pengantar [surat_pengantar]"] == 1
        resource = ApplicationResource(user=loket)
        resource.prepare(resource.get_queryset())
        assert resource._attachment_counts(old_application) == {old.required_document_key: 1}

    def test_fixed_columns_in_local_time(self, old_application, loket):
        row = row_of(exported(loket), old_application)
        assert row["kode_layanan"] == "skd"
        assert row["layanan"] == "Surat Keterangan Domisili"
        assert row["kode_kecamatan"] == "64.74.01"
        assert row["kecamatan"] == "Bontang Utara"
        assert row["status"] == old_application.get_state_display()
        local = timezone.localtime(old_application.submitted_at).replace(tzinfo=None, microsecond=0)
        assert row["diajukan"] == local
        assert row["selesai"] is None

    def test_working_days_and_on_time_for_a_finished_application(
        self, old_application, staff, loket
    ):
        finished = advance(old_application, **staff, until="selesai")
        row = row_of(exported(loket), finished)
        tz = timezone.get_default_timezone()
        began = (finished.verified_at or finished.submitted_at).astimezone(tz).date()
        done = finished.finished_at.astimezone(tz).date()
        expected = WorkingCalendar.for_region().working_days_between(began, done)
        assert row["hari_kerja"] == max(0, expected)
        assert row["tepat_waktu"] == ("ya" if finished.finished_at <= finished.due_at else "tidak")

    def test_filters_narrow_the_rows(self, old_application, personal_application, loket):
        Application.objects.filter(pk=old_application.pk).update(state="ditolak")
        rows = exported(loket, state="ditolak")
        assert [row["kode_pelacakan"] for row in rows] == [old_application.display_code]
        tomorrow = timezone.localdate() + timezone.timedelta(days=1)
        assert exported(loket, start=tomorrow) == []


class TestScopeAndSafety:
    def test_another_kecamatan_gets_no_rows(self, old_application, loket_selatan, camat_selatan):
        for user in (loket_selatan, camat_selatan):
            assert exported(user) == []

    def test_a_queryset_passed_in_is_scoped_again(self, old_application, loket_selatan):
        dataset = ApplicationResource(user=loket_selatan).export(queryset=Application.objects.all())
        assert len(dataset) == 0

    def test_formulas_are_escaped_in_every_string_cell(self, old_application, loket):
        Application.objects.filter(pk=old_application.pk).update(
            data={
                "nama_lengkap": '=HYPERLINK("http://evil.example","klik")',
                "keperluan": "@SUM(1)",
            }
        )
        user = with_personal_data_permission(loket)
        Application.objects.filter(pk=old_application.pk).update(applicant_name="+cmd|'/C calc'!A0")
        row = row_of(exported(user), old_application)
        assert row["Nama lengkap [nama_lengkap]"] == '\'=HYPERLINK("http://evil.example","klik")'
        assert row["Keperluan [keperluan]"] == "'@SUM(1)"
        assert row["nama_pemohon"] == "'+cmd|'/C calc'!A0"

    def test_queries_do_not_grow_with_the_rows(
        self, service, utara, loket, django_assert_max_num_queries
    ):
        for _index in range(6):
            submit(service, utara, files={"surat_pengantar": pdf_upload()})
        resource = ApplicationResource(user=loket)
        queryset = resource.get_queryset()
        # prepare: the exported versions and their services' others, the working-day
        # bounds, service and kecamatan names; then one query for the rows and one for
        # their attachments: none per row.
        with django_assert_max_num_queries(7):
            resource.prepare(queryset)
            rows = [resource.export_resource(a) for a in resource.iter_queryset(queryset)]
        assert len(rows) == 6


class TestPersonalFields:
    def test_every_field_marked_personal_is_masked_by_default(self, service, utara, loket):
        form_version_for(
            service,
            [
                spec("nama_pemohon", label="Nama lengkap"),
                spec("tempat_lahir", label="Tempat lahir"),
                spec("tanggal_lahir", "birth_date", label="Tanggal lahir"),
                spec("alamat", "multiline", label="Alamat"),
                spec("pewaris", label="Pewaris", personal=True),
                spec("catatan", label="Catatan", personal=True),
                spec("keperluan", label="Keperluan"),
            ],
        )
        values = {
            "nama_pemohon": "Budi Santoso",
            "tempat_lahir": "Samarinda",
            "tanggal_lahir": "1990-03-12",
            "alamat": "Jl. Melati 3",
            "pewaris": "Almarhum Hasan",
            "catatan": "anak kedua",
            "keperluan": "Sekolah",
        }
        application = submit(service, utara, data=values)
        row = row_of(exported(loket), application)
        flat = " ".join(str(value) for value in row.values())
        for key, value in values.items():
            if key != "keperluan":
                assert value not in flat
        assert row["Keperluan [keperluan]"] == "Sekolah"
        assert row["Tempat lahir [tempat_lahir]"] == "***"
        unmasked = row_of(exported(with_personal_data_permission(loket)), application)
        assert unmasked["Alamat [alamat]"] == "Jl. Melati 3"
