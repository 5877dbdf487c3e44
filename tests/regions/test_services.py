from io import BytesIO

import pytest
from openpyxl import Workbook

from paten.regions.constants import RegionKind, RegionLevel
from paten.regions.models import Region
from paten.regions.services import regions_import

from .data import BONTANG_CSV, OTHER_CSV, csv_bytes

pytestmark = pytest.mark.django_db


def run(text: str, **kwargs):
    return regions_import(content=csv_bytes(text), filename="regions.csv", **kwargs)


def test_import_creates_tree_with_derived_fields():
    summary = run(BONTANG_CSV)

    assert (summary.total, summary.new, summary.updated, summary.skipped) == (8, 8, 0, 0)
    assert summary.committed
    desa = Region.objects.get(code="64.74.01.1002")
    assert desa.parent_id == "64.74.01"
    assert desa.level == RegionLevel.DESA_KELURAHAN
    assert desa.kind == RegionKind.KELURAHAN
    assert Region.objects.get(code="64.74").kind == RegionKind.KOTA
    assert list(Region.objects.under("64.74.02").values_list("code", flat=True)) == [
        "64.74.02",
        "64.74.02.1001",
        "64.74.02.1002",
    ]


def test_reimport_is_idempotent():
    run(BONTANG_CSV)

    summary = run(BONTANG_CSV)

    assert (summary.new, summary.updated, summary.skipped) == (0, 0, 8)
    assert Region.objects.count() == 8


def test_reimport_updates_a_renamed_region(django_assert_max_num_queries):
    run(BONTANG_CSV)
    renamed = BONTANG_CSV.replace("Bontang Baru", "Bontang  Baru Sekali")

    with django_assert_max_num_queries(10):
        summary = run(renamed)

    assert (summary.new, summary.updated, summary.skipped) == (0, 1, 7)
    assert Region.objects.get(code="64.74.01.1002").name == "Bontang Baru Sekali"


def test_dry_run_writes_nothing():
    summary = run(BONTANG_CSV, dry_run=True)

    assert summary.new == 8
    assert not summary.committed
    assert not Region.objects.exists()


def test_bad_code_rolls_back_everything():
    summary = run(BONTANG_CSV + "64.74.01.10X3,Salah\n")

    assert summary.invalid == 1
    assert summary.errors[0].line == 10
    assert "tidak sesuai format Kemendagri" in summary.errors[0].messages[0]
    assert not Region.objects.exists()


def test_missing_parent_is_an_error():
    summary = run("kode,nama\n64,Kalimantan Timur\n64.74.01,Bontang Utara\n")

    assert [e.line for e in summary.errors] == [3]
    assert "Wilayah induk 64.74" in summary.errors[0].messages[0]
    assert not Region.objects.exists()


def test_parent_already_in_database_is_enough(bontang_imported):
    summary = run("kode,nama\n64.74.03,Bontang Barat\n")

    assert summary.committed
    assert Region.objects.get(code="64.74.03").parent_id == "64.74"


def test_empty_name_and_duplicate_code_are_errors():
    summary = run("kode,nama\n64,Kalimantan Timur\n64,Kaltim\n64.74,\n")

    assert [e.line for e in summary.errors] == [3, 4]
    assert "sudah ada di baris 2" in summary.errors[0].messages[0]
    assert "tidak boleh kosong" in summary.errors[1].messages[0]
    assert not Region.objects.exists()


def test_wrong_headers_import_nothing():
    summary = run(BONTANG_CSV.replace("kode,nama", "code,name"))

    assert summary.total == 0
    assert summary.errors[0].line is None
    assert "kode,nama" in summary.errors[0].messages[0]
    assert not Region.objects.exists()


def test_under_imports_subtree_and_ancestors_only():
    summary = run(BONTANG_CSV + OTHER_CSV, under="64.74.01")

    assert summary.total == 5
    assert sorted(Region.objects.values_list("code", flat=True)) == [
        "64",
        "64.74",
        "64.74.01",
        "64.74.01.1001",
        "64.74.01.1002",
    ]


def test_under_reports_lines_of_the_original_file():
    text = OTHER_CSV.join(["kode,nama\n", "64,Kalimantan Timur\n64.74.09.1001,Yatim\n"])

    summary = run(text, under="64.74")

    assert [e.line for e in summary.errors] == [7]


def test_xlsx_file_is_read_like_csv():
    workbook = Workbook()
    sheet = workbook.active
    for line in BONTANG_CSV.strip().splitlines():
        sheet.append(line.split(","))
    buffer = BytesIO()
    workbook.save(buffer)

    summary = regions_import(content=buffer.getvalue(), filename="wilayah.xlsx")

    assert summary.committed
    assert summary.new == 8
