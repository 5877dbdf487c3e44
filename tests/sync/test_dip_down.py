"""The kecamatan's public information list (DIP) travels down, read-only at the instance."""

import pytest

from paten.ppid.constants import InformationClass
from paten.ppid.models import DipCategory, DipDocument, DipEntry
from paten.sync import container, guards, keys, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.PATEN_SYNC_KEY_DIR = str(tmp_path / "keys")
    settings.VAR_DIR = tmp_path / "var"


def _entry(kecamatan, title):
    category = DipCategory.objects.get_or_create(name="Keuangan")[0]
    entry = DipEntry.objects.create(
        number=f"DIP/{title}",
        title=title,
        information_class=InformationClass.PERIODIC,
        category=category,
        kecamatan=kecamatan,
        holding_unit="Sekretariat",
        responsible="Sekretaris Kecamatan",
        year=2026,
        retention="5 tahun",
        live=True,
    )
    DipDocument.objects.create(entry=entry, title=f"Berkas {title}")
    return entry


def _records(path) -> dict[str, list[dict]]:
    import json

    public = keys.ed25519_public(keys.signing_public_b64())
    bundle = container.verify(path, key_for=lambda header: public)
    out: dict[str, list[dict]] = {}
    for member in container.open_members(bundle, private=keys.encryption_key()):
        lines = [json.loads(x) for x in container.lines(member.chunks) if x.strip()]
        if member.kind == "records":
            out.setdefault(member.label, []).extend(lines)
    return out


def test_only_the_kecamatans_dip_entries_go_down(offline_utara, utara, selatan, tmp_path):
    own = _entry(utara, "Anggaran Utara")
    other = _entry(selatan, "Anggaran Selatan")
    pemda = _entry(None, "Anggaran Pemda")
    records = _records(services.down_export(peer=offline_utara, path=tmp_path / "d.paten").path)
    entries = {line["key"]: line["f"] for line in records["ppid.dipentry"]}
    assert set(entries) == {str(own.pk)}
    assert entries[str(own.pk)]["title"] == "Anggaran Utara"
    assert "source_request_id" not in entries[str(own.pk)]
    documents = {line["f"]["entry_id"] for line in records["ppid.dipdocument"]}
    assert documents == {str(own.pk)}
    shipped = {line["key"] for lines in records.values() for line in lines}
    assert not {str(other.pk), str(pemda.pk)} & shipped
    assert "ppid.dipcategory" in records


def test_a_dip_entry_is_read_only_at_the_instance(utara, request):
    entry = _entry(utara, "Anggaran Utara")
    # Only now an offline instance: the entry came from the central.
    request.getfixturevalue("as_instance")
    entry.title = "Diubah di laptop"
    with pytest.raises(guards.ConfigurationReadOnly) as refused:
        entry.save()
    assert "pusat" in str(refused.value.message)
    assert DipEntry.objects.get(pk=entry.pk).title == "Anggaran Utara"


def test_a_configuration_import_refreshes_the_public_caches(django_capture_on_commit_callbacks):
    """The bundle writes its rows without model signals: the catalog's and the DIP's
    cache generations are bumped by the import itself, now and after the commit."""
    from paten.ppid.selectors import dip_generation
    from service_catalog.selectors import catalog_generation

    before = catalog_generation(), dip_generation()
    with django_capture_on_commit_callbacks(execute=True):
        services.after_configuration_import()
        during = catalog_generation(), dip_generation()
    after = catalog_generation(), dip_generation()
    assert during[0] > before[0] and during[1] > before[1]
    assert after[0] > during[0] and after[1] > during[1]
