"""The home page shows active immediate (serta-merta) information prominently."""

from datetime import date

import pytest

from paten.ppid.constants import InformationClass
from paten.ppid.selectors import dip_serta_merta_active


@pytest.mark.django_db
def test_home_page_shows_active_serta_merta_only(client, make_entry, selatan):
    make_entry(
        kecamatan=selatan,
        title="Banjir rob Bontang Selatan",
        information_class=InformationClass.IMMEDIATE,
    )
    make_entry(
        kecamatan=selatan,
        title="Peringatan lama",
        information_class=InformationClass.IMMEDIATE,
        immediate_until=date(2020, 1, 1),
    )
    make_entry(
        kecamatan=selatan,
        title="Draf darurat",
        information_class=InformationClass.IMMEDIATE,
        live=False,
    )
    body = client.get("/").content.decode()
    assert "data-serta-merta" in body
    assert "Banjir rob Bontang Selatan" in body
    assert "Peringatan lama" not in body and "Draf darurat" not in body


@pytest.mark.django_db
def test_no_serta_merta_block_without_active_items(client, bontang):
    assert "data-serta-merta" not in client.get("/").content.decode()
    assert dip_serta_merta_active() == []
