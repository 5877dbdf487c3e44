"""The "data pribadi" mark of form fields: defaults by type and label, masking."""

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
