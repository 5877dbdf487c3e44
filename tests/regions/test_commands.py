from django.core.management import CommandError, call_command
from django.db.models import Count

import pytest

from paten.regions.constants import RegionLevel
from paten.regions.models import Region

from .data import BONTANG_CSV, OTHER_CSV

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions_file(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(BONTANG_CSV + OTHER_CSV, encoding="utf-8")
    return path


def test_default_scope_is_the_configured_kabupaten_kota(regions_file, settings, capsys):
    settings.PATEN_KABUPATEN_KOTA = "64.74"

    call_command("import_regions", "--file", str(regions_file))

    out = capsys.readouterr().out
    assert "8 rows: 8 new, 0 updated, 0 skipped, 0 errors" in out
    assert not Region.objects.filter(code__startswith="11").exists()


def test_all_and_rerun_is_idempotent(regions_file, capsys):
    call_command("import_regions", "--file", str(regions_file), "--all")
    call_command("import_regions", "--file", str(regions_file), "--all")

    out = capsys.readouterr().out
    assert "12 rows: 0 new, 0 updated, 12 skipped, 0 errors" in out
    assert Region.objects.count() == 12


def test_dry_run_writes_nothing(regions_file, capsys):
    call_command("import_regions", "--file", str(regions_file), "--under", "11", "--dry-run")

    assert "4 rows: 4 new" in capsys.readouterr().out
    assert not Region.objects.exists()


def test_errors_are_listed_by_line_and_exit_non_zero(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("kode,nama\n64,Kalimantan Timur\n64.74.1,Kota Bontang\n", encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_regions", "--file", str(path), "--all")

    err = capsys.readouterr().err
    assert "line 3: Kode “64.74.1” tidak sesuai format Kemendagri" in err
    assert not Region.objects.exists()


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_regions", "--file", str(tmp_path / "nope.csv"))


@pytest.mark.slow
def test_national_file_imports_every_region(capsys):
    call_command("import_regions", "--all")

    assert "91599 rows: 91599 new" in capsys.readouterr().out
    counts = dict(Region.objects.values_list("level").annotate(n=Count("pk")).order_by())
    assert counts == {
        RegionLevel.PROVINSI: 38,
        RegionLevel.KABUPATEN_KOTA: 514,
        RegionLevel.KECAMATAN: 7285,
        RegionLevel.DESA_KELURAHAN: 83762,
    }
    assert Region.objects.count() == 91599
    assert Region.objects.get(code="64.74.01.1002").name == "Bontang Baru"
