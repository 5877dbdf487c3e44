"""Validators and form fields: NIK, No. KK, NPWP, phone, region, uploads by content."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

import pytest

from forms_builder.fields import (
    DocumentFileField,
    NIKField,
    NoKKField,
    NPWPField,
    PhoneField,
    RegionChoiceField,
)
from forms_builder.validators import (
    nik_parse,
    normalize_phone,
    sniff_file_type,
    validate_no_kk,
    validate_npwp,
)
from paten.regions.models import Region

from .factories import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES

TODAY = datetime.date(2026, 5, 1)


def _code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.error_list[0].code


class TestNik:
    @pytest.mark.parametrize(
        ("nik", "birth", "female"),
        [
            ("6474011508900001", datetime.date(1990, 8, 15), False),
            ("6474015508900002", datetime.date(1990, 8, 15), True),
            ("64.7401.150890.0001", datetime.date(1990, 8, 15), False),
            ("6474 0115 0890 0001", datetime.date(1990, 8, 15), False),
            ("6474012902000001", datetime.date(2000, 2, 29), False),  # leap year
            ("6474016902040001", datetime.date(2004, 2, 29), True),  # leap, female
            ("6474013112990001", datetime.date(1999, 12, 31), False),
            ("6474017112990001", datetime.date(1999, 12, 31), True),
            ("6474010101270001", datetime.date(1927, 1, 1), False),  # 27 > 26: last century
            ("6474010101260001", datetime.date(2026, 1, 1), False),
        ],
    )
    def test_accepts(self, bontang, nik, birth, female):
        info = nik_parse(nik, today=TODAY)
        assert info.nik == nik.replace(".", "").replace(" ", "")
        assert info.birth_date == birth
        assert info.female is female
        assert info.kecamatan_code == "64.74.01"

    @pytest.mark.parametrize(
        ("nik", "code"),
        [
            ("647401150890001", "length"),
            ("64740115089000012", "length"),
            ("", "length"),
            ("64740115089O0001", "digits"),
            ("６４７４０１１５０８９０００１", "digits"),  # full-width digits
            ("6474012902010001", "date"),  # 29 Feb 2001: not a leap year
            ("6474016902010001", "date"),  # same, female
            ("6474013102900001", "date"),  # 31 Feb
            ("6474010008900001", "date"),  # day 00
            ("6474013208900001", "date"),  # day 32
            ("6474014008900001", "date"),  # day 40: neither male nor female
            ("6474017208900001", "date"),  # day 72
            ("6474011513900001", "date"),  # month 13
            ("6474011500900001", "date"),  # month 00
            ("6474010106260001", "future"),  # 1 June 2026 after 1 May 2026
            ("6474011508900000", "serial"),
            ("9999991508900001", "region"),
            ("6474991508900001", "region"),
        ],
    )
    def test_refuses(self, bontang, nik, code):
        with pytest.raises(ValidationError) as exc:
            nik_parse(nik, today=TODAY)
        assert _code(exc) == code

    def test_region_check_is_one_query(self, bontang, django_assert_num_queries):
        with django_assert_num_queries(1):
            nik_parse("6474011508900001", today=TODAY)

    def test_messages_are_indonesian(self, bontang):
        with translation.override("id"), pytest.raises(ValidationError) as exc:
            nik_parse("6474013102900001", today=TODAY)
        assert "bukan tanggal lahir" in exc.value.messages[0]

    def test_field_normalises(self, bontang):
        assert NIKField().clean("6474.0115.0890.0001") == "6474011508900001"
        assert NIKField(required=False).clean("") == ""


class TestNoKK:
    def test_accepts(self, bontang):
        assert validate_no_kk("64.7401.200115.0003", today=TODAY) == "6474012001150003"

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("647401200115000", "length"),
            ("6474015501150003", "date"),  # no +40 rule for the KK
            ("6474013002200003", "date"),  # 30 Feb
            ("6474010106260003", "future"),
            ("6474012001150000", "serial"),
            ("1101012001150003", "region"),
        ],
    )
    def test_refuses(self, bontang, value, code):
        with pytest.raises(ValidationError) as exc:
            validate_no_kk(value, today=TODAY)
        assert _code(exc) == code

    def test_field(self, bontang):
        assert NoKKField().clean("6474012001150003") == "6474012001150003"


class TestNpwp:
    @pytest.mark.parametrize(
        ("value", "digits"),
        [
            ("01.234.567.8-901.000", "012345678901000"),
            ("012345678901000", "012345678901000"),
            ("0012345678901000", "0012345678901000"),  # 0 + legacy 15
            ("0012.3456.7890.1000", "0012345678901000"),
            ("6474011508900001", "6474011508900001"),  # NIK as NPWP (PMK 112/2022)
        ],
    )
    def test_accepts(self, bontang, value, digits):
        assert validate_npwp(value) == digits
        assert NPWPField().clean(value) == digits

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("01.234.567.8-901", "length"),
            ("01234567890100012", "length"),
            ("9999991508900001", "nik"),  # 16 digits, not 0…, not a NIK
            ("6474013102900001", "nik"),
            ("01.234.567.8-9O1.000", "digits"),
            ("000000000000000", "zero"),
        ],
    )
    def test_refuses(self, bontang, value, code):
        with pytest.raises(ValidationError) as exc:
            validate_npwp(value)
        assert _code(exc) == code


class TestPhone:
    @pytest.mark.parametrize(
        ("value", "normalised"),
        [
            ("081234567890", "+6281234567890"),
            ("0812-3456-7890", "+6281234567890"),
            ("0812 3456 7890", "+6281234567890"),
            ("+62 812 3456 7890", "+6281234567890"),
            ("+62-812-3456-7890", "+6281234567890"),
            ("6281234567890", "+6281234567890"),
            ("(0812) 345 678", "+62812345678"),  # 9 digits after +62
            ("0812345678901", "+62812345678901"),
        ],
    )
    def test_accepts(self, value, normalised):
        assert normalize_phone(value) == normalised
        assert PhoneField().clean(value) == normalised

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("021 5551234", "mobile"),  # Jakarta landline
            ("+62 21 5551234", "mobile"),
            ("0812 345", "length"),  # too short
            ("08123456789012345", "length"),  # 16 national digits
            ("+1 555 123 4567", "country"),
            ("812345678", "prefix"),
            ("0812abc4567", "digits"),
            ("++6281234567", "country"),
        ],
    )
    def test_refuses(self, value, code):
        with pytest.raises(ValidationError) as exc:
            normalize_phone(value)
        assert _code(exc) == code


class TestRegionField:
    @pytest.fixture
    def desa(self, bontang):
        Region.objects.get_or_create(code="64.74.02.1001", defaults={"name": "Tanjung Laut"})
        return Region.objects.get(code="64.74.01.1001")

    def test_kecamatan_scope(self, desa, utara):
        field = RegionChoiceField(scope="kecamatan", kecamatan=utara)
        assert field.clean("64.74.01.1001") == "64.74.01.1001"
        with pytest.raises(ValidationError):
            field.clean("64.74.02.1001")  # another kecamatan

    def test_kabupaten_scope(self, desa, utara):
        field = RegionChoiceField(scope="kabupaten", kecamatan=utara)
        assert field.clean("64.74.02.1001") == "64.74.02.1001"

    @pytest.mark.parametrize("value", ["64.74.01", "64", "x" * 500, "1 OR 1=1"])
    def test_refuses_non_desa(self, desa, utara, value):
        with pytest.raises(ValidationError):
            RegionChoiceField(scope="kabupaten", kecamatan=utara).clean(value)


class TestFileSniffing:
    @pytest.mark.parametrize(
        ("content", "expected"),
        [(PDF_BYTES, "pdf"), (PNG_BYTES, "png"), (JPEG_BYTES, "jpg"), (EXE_BYTES, None)],
    )
    def test_sniff(self, content, expected):
        assert sniff_file_type(content[:8]) == expected

    @pytest.mark.parametrize(
        ("name", "content", "detected"),
        [
            ("ktp.pdf", PDF_BYTES, "pdf"),
            ("foto.png", PNG_BYTES, "png"),
            ("foto.jpg", JPEG_BYTES, "jpg"),
            ("scan.bin", PDF_BYTES, "pdf"),  # the name does not matter, the content does
        ],
    )
    def test_accepts_by_content(self, name, content, detected):
        field = DocumentFileField(accepted_types=["pdf", "png", "jpg"], max_size_mb=1)
        uploaded = field.clean(SimpleUploadedFile(name, content))
        assert uploaded.paten_file_type == detected
        assert uploaded.read() == content  # rewound after sniffing

    def test_refuses_exe_renamed_pdf(self):
        field = DocumentFileField(accepted_types=["pdf"], max_size_mb=1)
        upload = SimpleUploadedFile("ktp.pdf", EXE_BYTES, content_type="application/pdf")
        with pytest.raises(ValidationError) as exc:
            field.clean(upload)
        assert _code(exc) == "type"

    def test_refuses_type_not_accepted(self):
        field = DocumentFileField(accepted_types=["pdf"], max_size_mb=1)
        with pytest.raises(ValidationError) as exc:
            field.clean(SimpleUploadedFile("foto.pdf", PNG_BYTES))
        assert _code(exc) == "type"

    def test_refuses_oversize(self):
        field = DocumentFileField(accepted_types=["pdf"], max_size_mb=1)
        big = PDF_BYTES + b"0" * (1024 * 1024)
        with translation.override("id"), pytest.raises(ValidationError) as exc:
            field.clean(SimpleUploadedFile("besar.pdf", big))
        assert _code(exc) == "size"
        assert "terlalu besar" in exc.value.messages[0]

    def test_refuses_empty(self):
        field = DocumentFileField(accepted_types=["pdf"], max_size_mb=1)
        with pytest.raises(ValidationError) as exc:
            field.clean(SimpleUploadedFile("kosong.pdf", b""))
        assert _code(exc) == "empty"

    def test_accept_attribute(self):
        field = DocumentFileField(accepted_types=["pdf", "png"], max_size_mb=1)
        assert field.widget_attrs(field.widget)["accept"] == "application/pdf,image/png"
