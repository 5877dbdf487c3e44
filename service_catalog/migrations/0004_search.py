"""Catalog search: admin-editable synonyms (with defaults every installation needs) and
the search vocabulary with a trigram index on PostgreSQL (pg_trgm)."""

import uuid

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# Everyday words and abbreviations citizens type for kecamatan services. The pemda
# edits them in the admin (Katalog layanan → Sinonim pencarian).
DEFAULT_SYNONYMS = [
    ("KTP, KTP-el, e-KTP, KTP elektronik, kartu tanda penduduk", "Kartu tanda penduduk"),
    ("KK, kartu keluarga", "Kartu keluarga"),
    ("SKTM, surat keterangan tidak mampu, tidak mampu, miskin", "Keterangan tidak mampu"),
    ("SKKM, surat keterangan kurang mampu, kurang mampu", "Keterangan kurang mampu"),
    ("pindah, mutasi, perpindahan, pindahan", "Pindah penduduk"),
    ("ahli waris, waris, warisan", ""),
    ("kematian, meninggal, wafat, meninggal dunia", ""),
    ("SKCK, kelakuan baik, catatan kepolisian, surat kelakuan baik", ""),
    ("SKU, keterangan usaha, surat usaha", ""),
    ("nikah, menikah, kawin, pernikahan, perkawinan", ""),
    ("legalisasi, legalisir, pengesahan", ""),
    ("keramaian, perhelatan, hajatan, pesta, acara", ""),
    ("pertunjukan, hiburan, konser, pentas", ""),
    ("reklame, spanduk, baliho, iklan, papan nama", ""),
    ("domisili, tempat tinggal", ""),
    ("ormas, organisasi, lembaga, yayasan, perkumpulan", ""),
    ("parpol, partai politik, partai", ""),
    ("pengaduan, aduan, komplain, keluhan, lapor", ""),
    ("informasi publik, PPID, permohonan informasi", ""),
    ("IMB, izin mendirikan bangunan, PBG", ""),
    ("tanah, lahan, pertanahan", ""),
    ("penutupan jalan, tutup jalan", ""),
    ("pariwisata, wisata, homestay", ""),
    ("izin, ijin", "Ejaan yang sering dipakai"),
    ("surat pengantar, pengantar", ""),
]


def synonyms_create(apps, schema_editor):
    SearchSynonym = apps.get_model("service_catalog", "SearchSynonym")
    for terms, note in DEFAULT_SYNONYMS:
        SearchSynonym.objects.get_or_create(terms=terms, defaults={"note": note})


def trigram_index_create(apps, schema_editor):
    # GIN trigram index: only PostgreSQL has it (and pg_trgm, enabled above).
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS service_catalog_searchword_trgm "
        "ON service_catalog_searchword USING gin (word gin_trgm_ops)"
    )


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS service_catalog_searchword_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('service_catalog', '0003_remove_service_hours'),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('terms', models.CharField(help_text='Separate them with commas, e.g. “KTP, KTP-el, e-KTP, kartu tanda penduduk”. A term may have several words.', max_length=400, unique=True, verbose_name='words with the same meaning')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'search synonym',
                'verbose_name_plural': 'search synonyms',
                'ordering': ['terms'],
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=60, primary_key=True, serialize=False, verbose_name='word')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
            },
        ),
        migrations.RunPython(trigram_index_create, trigram_index_drop),
        migrations.RunPython(synonyms_create, migrations.RunPython.noop),
    ]
