"""ApplicationFormBuilder: field types, conditions on the server, JSON and files."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

import pytest

from forms_builder.fields import BirthDateField, DocumentFileField, NIKField, RegionChoiceField
from forms_builder.forms import ApplicationFormBuilder, FieldSpec, condition_matches
from forms_builder.models import FormVersion

from .factories import EXE_BYTES, PDF_BYTES, digital_documents, spec

pytestmark = pytest.mark.django_db

NIK = "6474011508900001"


def build(specs, *, service=None, kecamatan=None, data=None, files=None):
    form_class = ApplicationFormBuilder(
        specs, service=service, kecamatan=kecamatan
    ).get_form_class()
    return form_class(data=data, files=files)


class TestBuild:
    def test_every_type_builds_keyed_by_key(self, service, utara):
        specs = [
            spec("nama"),
            spec("alamat", "multiline"),
            spec("jumlah", "number"),
            spec("tanggal", "date"),
            spec("lahir", "birth_date"),
            spec("surel", "email"),
            spec("hp", "phone"),
            spec("pilih", "dropdown", choices="A\nB"),
            spec("radio", "radio", choices="Ya,Tidak"),
            spec("banyak", "checkboxes", choices="X\nY"),
            spec("setuju", "checkbox"),
            spec("nik_pemohon", "nik"),
            spec("no_kk", "no_kk"),
            spec("npwp", "npwp"),
            spec("desa", "region"),
            spec("ktp", "file", required_document_key="doc0"),
        ]
        form = build(specs, service=service, kecamatan=utara)
        assert list(form.fields) == [s["key"] for s in specs]
        assert isinstance(form.fields["nik_pemohon"], NIKField)
        assert isinstance(form.fields["desa"], RegionChoiceField)
        assert isinstance(form.fields["ktp"], DocumentFileField)
        assert isinstance(form.fields["lahir"], BirthDateField)
        assert type(form).__name__ == "ApplicationDataForm"

    def test_file_field_takes_document_limits(self, service):
        digital_documents(service, types=("png",), max_mb=2)
        form = build([spec("ktp", "file", required_document_key="doc0")], service=service)
        assert form.fields["ktp"].accepted_types == ["png"]
        assert form.fields["ktp"].max_size_mb == 2

    def test_unknown_type_and_removed_document_still_build(self, service):
        form = build(
            [spec("lama", "fax"), spec("berkas", "file", required_document_key="gone")],
            service=service,
        )
        assert form.fields["lama"].__class__.__name__ == "CharField"
        assert form.fields["berkas"].accepted_types == ["pdf", "jpg", "png"]

    def test_from_form_version(self, service, utara):
        version = FormVersion.objects.current_for(service)
        builder = ApplicationFormBuilder.for_version(version, kecamatan=utara)
        form = builder.get_form_class()()
        assert form.form_version == version
        assert "nama_lengkap" in form.fields


class TestValidation:
    def test_valid_data_is_normalised_and_jsonable(self, service, utara):
        digital_documents(service)
        specs = [
            spec("nik", "nik"),
            spec("hp", "phone"),
            spec("tanggal", "date"),
            spec("jumlah", "number"),
            spec("banyak", "checkboxes", choices="X\nY"),
            spec("setuju", "checkbox"),
            spec("desa", "region"),
            spec("ktp", "file", required_document_key="doc0"),
        ]
        data = {
            "nik": "6474.0115.0890.0001",
            "hp": "0812-3456-7890",
            "tanggal": "2025-01-31",
            "jumlah": "12.50",
            "banyak": ["X", "Y"],
            "setuju": "on",
            "desa": "64.74.01.1001",
        }
        upload = SimpleUploadedFile("ktp.pdf", PDF_BYTES)
        form = build(specs, service=service, kecamatan=utara, data=data, files={"ktp": upload})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["tanggal"] == datetime.date(2025, 1, 31)
        assert form.cleaned_data["jumlah"] == Decimal("12.50")
        assert form.json_data() == {
            "nik": NIK,
            "hp": "+6281234567890",
            "tanggal": "2025-01-31",
            "jumlah": "12.50",
            "banyak": ["X", "Y"],
            "setuju": True,
            "desa": "64.74.01.1001",
        }
        assert form.files_by_document() == {"doc0": upload}

    def test_exe_renamed_pdf_is_refused(self, service):
        digital_documents(service)
        form = build(
            [spec("ktp", "file", required_document_key="doc0")],
            service=service,
            data={},
            files={"ktp": SimpleUploadedFile("ktp.pdf", EXE_BYTES)},
        )
        assert not form.is_valid()
        assert form.errors["ktp"]

    def test_required_message_is_indonesian(self, service):
        with translation.override("id"):
            form = build([spec("nama")], data={})
            assert not form.is_valid()
            assert "harus diisi" in form.errors["nama"][0]


class TestBirthDate:
    def test_a_future_date_of_birth_is_refused_in_indonesian(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with translation.override("id"):
            form = build([spec("lahir", "birth_date")], data={"lahir": tomorrow.isoformat()})
            assert not form.is_valid()
            assert form.errors["lahir"] == [
                f"Tanggal lahir ({tomorrow:%d-%m-%Y}) tidak boleh melewati hari ini."
            ]

    def test_today_and_past_dates_of_birth_are_accepted(self):
        today = timezone.localdate()
        for day in (today, datetime.date(1950, 2, 28)):
            form = build([spec("lahir", "birth_date")], data={"lahir": day.isoformat()})
            assert form.is_valid(), form.errors
            assert form.json_data() == {"lahir": day.isoformat()}

    def test_the_date_picker_stops_at_today(self):
        form = build([spec("lahir", "birth_date")])
        html = str(form["lahir"])
        assert 'type="date"' in html
        assert f'max="{timezone.localdate().isoformat()}"' in html

    def test_a_plain_date_field_still_takes_future_dates(self):
        next_year = timezone.localdate() + datetime.timedelta(days=366)
        form = build([spec("acara", "date")], data={"acara": next_year.isoformat()})
        assert form.is_valid(), form.errors


class TestConditions:
    SPECS = [
        spec("status", "radio", choices="Sendiri\nDikuasakan"),
        spec("nik_kuasa", "nik", condition=("status", "Dikuasakan")),
        spec("surat_kuasa", "singleline", required=False, condition=("status", "dikuasakan")),
        spec("alasan", "multiline", condition=("nik_kuasa", NIK)),  # a chain
    ]

    def test_unmet_condition_not_required_and_dropped(self, bontang):
        form = build(self.SPECS, data={"status": "Sendiri", "nik_kuasa": "garbage", "alasan": "x"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"status": "Sendiri"}
        assert form.json_data() == {"status": "Sendiri"}

    def test_met_condition_makes_field_required(self, bontang):
        form = build(self.SPECS, data={"status": "Dikuasakan"})
        assert not form.is_valid()
        assert set(form.errors) == {"nik_kuasa"}

    def test_met_condition_validates_value(self, bontang):
        form = build(self.SPECS, data={"status": "Dikuasakan", "nik_kuasa": "123"})
        assert not form.is_valid()
        assert "nik_kuasa" in form.errors

    def test_chain(self, bontang):
        form = build(self.SPECS, data={"status": "Dikuasakan", "nik_kuasa": NIK})
        assert not form.is_valid()
        assert set(form.errors) == {"alasan"}
        form = build(self.SPECS, data={"status": "Dikuasakan", "nik_kuasa": NIK, "alasan": "Sakit"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["alasan"] == "Sakit"
        assert "surat_kuasa" in form.cleaned_data  # shown, optional, empty

    def test_conditional_fields_have_no_html_required(self, bontang):
        html = str(build(self.SPECS)["nik_kuasa"])
        assert "required" not in html
        assert 'data-condition-field="status"' in html
        assert 'data-condition-value="Dikuasakan"' in html

    def test_loop_never_shows(self, bontang):
        specs = [spec("a", condition=("b", "x")), spec("b", condition=("a", "x"))]
        form = build(specs, data={"a": "x", "b": "x"})
        assert form.is_valid()
        assert form.cleaned_data == {}

    @pytest.mark.parametrize(
        ("value", "expected", "result"),
        [
            (True, "ya", True),
            (True, "TRUE", True),
            (False, "tidak", True),
            (False, "ya", False),
            (["A", "B"], "b", True),
            ("", "", True),
            (None, "x", False),
        ],
    )
    def test_condition_matches(self, value, expected, result):
        assert condition_matches(value, expected) is result


class TestTemplate:
    def test_grouped_by_step_and_section(self, bontang):
        specs = [
            spec("nama", section="Pemohon", help_text="Sesuai KTP"),
            spec("hp", "phone", section="Pemohon"),
            spec("alasan", "multiline", section="Keperluan", step=2, condition=("nama", "x")),
        ]
        form = build(specs, data={})
        form.is_valid()
        with translation.override("id"):
            html = render_to_string("forms_builder/includes/form_fields.html", {"form": form})
        assert "Langkah 1" in html and "Langkah 2" in html
        assert html.index("Pemohon") < html.index("Keperluan")
        assert 'for="id_nama"' in html
        assert 'id="id_nama_helptext"' in html
        assert 'role="alert"' in html
        assert 'data-condition-field="nama"' in html
        assert "Isi hanya jika" in html

    def test_field_spec_from_partial_schema(self):
        field = FieldSpec.from_spec({"key": "x", "step": "oops"})
        assert (field.label, field.field_type, field.step, field.required) == (
            "x",
            "singleline",
            1,
            False,
        )
