"""Kecamatan offices in the admin: a camat sees and edits only their own office."""

import pytest

from paten.site.models import KecamatanOffice
from tests.bontang import bontang_regions

pytestmark = pytest.mark.django_db

URL = "/admin/kecamatan_offices/"


@pytest.fixture
def offices():
    regions = {region.code: region for region in bontang_regions()}
    return {
        code: KecamatanOffice.objects.create(kecamatan=regions[code], camat_name=f"Camat {code}")
        for code in ("64.74.01", "64.74.02")
    }


@pytest.fixture
def camat_with_offices(camat, offices):
    """The camat of Bontang Utara, with the offices of Utara and Selatan set up."""
    return camat


def test_camat_lists_only_their_office(client, camat_with_offices, offices):
    client.force_login(camat_with_offices)
    html = client.get(URL).content.decode()
    assert "Camat 64.74.01" in html
    assert "Camat 64.74.02" not in html


def test_camat_cannot_open_another_office(client, camat_with_offices, offices):
    client.force_login(camat_with_offices)
    assert client.get(f"{URL}edit/{offices['64.74.02'].pk}/").status_code == 404


def test_camat_edits_their_signature_block(client, camat_with_offices, offices):
    client.force_login(camat_with_offices)
    office = offices["64.74.01"]
    response = client.post(
        f"{URL}edit/{office.pk}/",
        {
            "kecamatan": "64.74.01",
            "address": "Jl. Letjen S. Parman No. 1",
            "phone": "",
            "email": "",
            "service_hours": "",
            "camat_name": "Drs. Andi Rahman, M.Si.",
            "camat_nip": "197003121995031002",
            "camat_rank": "Pembina Tingkat I (IV/b)",
        },
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.camat_nip == "197003121995031002"


def test_a_nip_must_have_18_digits(client, camat_with_offices, offices):
    client.force_login(camat_with_offices)
    office = offices["64.74.01"]
    response = client.post(
        f"{URL}edit/{office.pk}/",
        {"kecamatan": "64.74.01", "camat_name": "X", "camat_nip": "1970 0312"},
    )
    assert response.status_code == 200
    assert "NIP terdiri atas 18 angka" in response.content.decode()
    office.refresh_from_db()
    assert office.camat_nip == ""


def test_camat_may_choose_only_their_kecamatan(client, camat_with_offices, offices):
    KecamatanOffice.objects.filter(kecamatan_id="64.74.01").delete()
    client.force_login(camat_with_offices)
    html = client.get(f"{URL}new/").content.decode()
    assert 'value="64.74.01"' in html
    assert 'value="64.74.02"' not in html
    response = client.post(f"{URL}new/", {"kecamatan": "64.74.02", "camat_name": "Menyusup"})
    assert response.status_code == 200
    assert not KecamatanOffice.objects.filter(camat_name="Menyusup").exists()
