"""Demo catalog for Kota Bontang (64.74): ~25 PATEN services seen in published standards.

The delegation instrument is *modelled on* Keputusan Wali Kota Bontang Nomor 421
Tahun 2016 tentang Pelimpahan Sebagian Kewenangan Wali Kota kepada Camat (PSKWC):
its articles, items and dates here are invented for the demo, not quoted. Service
times and requirements follow observed or typical practice (docs/domain/paten.md) and
are demo values to be confirmed against a real Perwal. IMB, IUMK, HO and SITU are kept
as superseded services so that their history stays visible
(docs/domain/paten.md#the-service-catalog-and-regulatory-drift).

``catalog_demo_load()`` is idempotent: every object is looked up by its natural key
and a service is only published again when its content changed.
"""

from datetime import date

from django.db import transaction

from paten.regions.models import Region

from .constants import StepTransition
from .models import (
    DelegatedAuthority,
    KecamatanOverride,
    LegalInstrument,
    Maklumat,
    ProcedureStep,
    RequiredDocument,
    ServiceCategory,
    ServiceLegalBasis,
    ServicePage,
)
from .resources import plain_to_richtext
from .services import catalog_index_ensure, service_publish

KECAMATAN = {
    "64.74.01": ("Bontang Utara", "Drs. Andi Rahman, M.Si."),
    "64.74.02": ("Bontang Selatan", "Hj. Siti Aminah, S.Sos."),
    "64.74.03": ("Bontang Barat", "Muhammad Yusuf, S.STP., M.AP."),
}
MODELLED = " (demo: dimodelkan, bukan kutipan)"

# kind, number, year, title, signed_on, status, replaced_by key
INSTRUMENTS = [
    ("uu", "25", 2009, "Pelayanan Publik", date(2009, 7, 18), "berlaku", None),
    ("pp", "17", 2018, "Kecamatan", date(2018, 5, 3), "berlaku", None),
    ("uu", "14", 2008, "Keterbukaan Informasi Publik", date(2008, 4, 30), "berlaku", None),
    (
        "permen",
        "4",
        2010,
        "Pedoman Pelayanan Administrasi Terpadu Kecamatan",
        None,
        "berlaku",
        None,
    ),
    (
        "pp",
        "16",
        2021,
        "Peraturan Pelaksanaan UU 28/2002 tentang Bangunan Gedung",
        None,
        "berlaku",
        None,
    ),
    ("pp", "5", 2021, "Penyelenggaraan Perizinan Berusaha Berbasis Risiko", None, "berlaku", None),
    (
        "permen",
        "19",
        2017,
        "Pencabutan Permendagri 27/2009 tentang Pedoman Penetapan Izin Gangguan di Daerah",
        None,
        "berlaku",
        None,
    ),
    (
        "kepwal",
        "421",
        2016,
        "Pelimpahan Sebagian Kewenangan Wali Kota kepada Camat (PSKWC)" + MODELLED,
        date(2016, 3, 1),
        "berlaku",
        None,
    ),
    (
        "perda",
        "5",
        2011,
        "Retribusi Perizinan Tertentu dan Retribusi Jasa Usaha Kota Bontang" + MODELLED,
        date(2011, 6, 1),
        "berlaku",
        None,
    ),
]
UU_25 = "uu/25/2009"
PP_17 = "pp/17/2018"
PERMENDAGRI_4 = "permen/4/2010"
PSKWC = "kepwal/421/2016"
PERDA_RETRIBUSI = "perda/5/2011"

CATEGORIES = [
    ("kependudukan", "Kependudukan", "Pengantar dan rekomendasi administrasi kependudukan."),
    ("keterangan", "Surat keterangan", "Surat keterangan dan legalisasi."),
    ("perizinan", "Perizinan", "Izin dan rekomendasi izin yang dilimpahkan kepada camat."),
    ("pertanahan", "Pertanahan", "Keterangan riwayat dan register tanah."),
    ("informasi", "Informasi dan pengaduan", "Layanan informasi publik dan pengaduan."),
]

# code, reference, authority, field, OPD, kecamatan (None = all), until, revoked
DELEGATIONS = [
    (
        "pskwc-a1",
        "Lampiran huruf A angka 1",
        "Rekomendasi izin keramaian/perhelatan",
        "perizinan",
        "Satpol PP",
        None,
        None,
        False,
    ),
    (
        "pskwc-a2",
        "Lampiran huruf A angka 2",
        "Izin penggunaan dan penutupan jalan kota untuk kegiatan masyarakat",
        "perizinan",
        "Dinas Perhubungan",
        ["64.74.01", "64.74.02"],
        None,
        False,
    ),
    (
        "pskwc-a3",
        "Lampiran huruf A angka 3",
        "Rekomendasi izin pertunjukan insidental dan hiburan umum",
        "perizinan",
        "Dinas Pariwisata",
        None,
        None,
        False,
    ),
    (
        "pskwc-a4",
        "Lampiran huruf A angka 4",
        "IMB bangunan rumah tinggal ≤ 100 m² tidak bertingkat",
        "perizinan",
        "DPMPTSP",
        None,
        date(2021, 8, 2),
        False,
    ),
    (
        "pskwc-a5",
        "Lampiran huruf A angka 5",
        "Izin Usaha Mikro Kecil (IUMK)",
        "perizinan",
        "DPMPTSP",
        None,
        date(2021, 6, 2),
        False,
    ),
    (
        "pskwc-a6",
        "Lampiran huruf A angka 6",
        "Izin reklame kriteria tertentu",
        "perizinan",
        "Bapenda",
        None,
        None,
        False,
    ),
    (
        "pskwc-a7",
        "Lampiran huruf A angka 7",
        "Izin usaha pariwisata skala kecil",
        "perizinan",
        "Dinas Pariwisata",
        None,
        None,
        False,
    ),
    (
        "pskwc-a8",
        "Lampiran huruf A angka 8",
        "Surat Izin Tempat Usaha (SITU) skala kecil",
        "perizinan",
        "DPMPTSP",
        None,
        date(2018, 7, 9),
        False,
    ),
    (
        "pskwc-a9",
        "Lampiran huruf A angka 9",
        "Rekomendasi izin gangguan (HO)",
        "perizinan",
        "DPMPTSP",
        None,
        date(2017, 12, 31),
        True,
    ),
    (
        "pskwc-b1",
        "Lampiran huruf B angka 1",
        "Pengantar dan rekomendasi dokumen kependudukan (KTP-el, KK, pindah, akta kematian)",
        "non_perizinan",
        "Disdukcapil",
        None,
        None,
        False,
    ),
    (
        "pskwc-b2",
        "Lampiran huruf B angka 2",
        "Surat keterangan domisili dan keterangan usaha",
        "non_perizinan",
        "Bagian Pemerintahan",
        None,
        None,
        False,
    ),
    (
        "pskwc-b3",
        "Lampiran huruf B angka 3",
        "Keterangan riwayat dan pencatatan register tanah",
        "non_perizinan",
        "Bagian Pertanahan",
        None,
        None,
        False,
    ),
]

MINUTES, HOURS, WD = "minutes", "hours", "working_days"
LOKET_STEPS = [
    ("Pemohon menyerahkan berkas di loket", "pemohon", 5, MINUTES),
    ("Petugas loket memeriksa kelengkapan dan mencatat", "loket", 10, MINUTES),
    ("Kasi memverifikasi dan memaraf konsep", "kasi", 15, MINUTES),
    ("Camat atau Sekcam menandatangani", "camat", 15, MINUTES),
    ("Dokumen diserahkan kepada pemohon", "loket", 5, MINUTES),
]
PERMIT_STEPS = [
    ("Pemohon menyerahkan berkas di loket", "pemohon", 15, MINUTES),
    ("Petugas loket memeriksa kelengkapan dan meregister", "loket", 30, MINUTES),
    ("Pemeriksaan lapangan oleh tim teknis", "tim_teknis", 1, WD),
    ("Kasi menyusun konsep izin, Sekcam memaraf", "kasi", 1, HOURS),
    ("Camat menandatangani izin", "camat", 1, HOURS),
    ("Izin diserahkan kepada pemohon", "loket", 15, MINUTES),
]
PENGANTAR = ("pengantar", "Surat pengantar desa/kelurahan", "asli", True, "")
KTP = ("ktp", "KTP-el pemohon", "fotokopi", True, "")
KK = ("kk", "Kartu Keluarga", "fotokopi", True, "")
KUASA = ("kuasa", "Surat kuasa bermaterai", "asli", False, "apabila dikuasakan")


def _s(code, title, field, category, delegation, summary, duration, product, docs, **extra):
    return {
        "code": code,
        "title": title,
        "field": field,
        "category": category,
        "delegation": delegation,
        "summary": summary,
        "duration": duration,
        "product": product,
        "docs": docs,
        **extra,
    }


FREE = ("free", None, "")
RETRIBUSI = ("formula", None, "Retribusi sesuai SKRD yang diterbitkan berdasarkan Perda retribusi.")

SERVICES = [
    _s(
        "keramaian",
        "Rekomendasi izin keramaian/perhelatan",
        "perizinan",
        "perizinan",
        "pskwc-a1",
        "Rekomendasi camat untuk izin keramaian atau perhelatan dari kepolisian.",
        (1, WD),
        "Surat rekomendasi camat",
        [
            PENGANTAR,
            KTP,
            ("permohonan-polisi", "Surat permohonan ke kepolisian", "asli", True, ""),
            (
                "pbb",
                "Bukti lunas PBB tahun berjalan",
                "fotokopi",
                False,
                "bagi pemilik tempat acara",
            ),
        ],
    ),
    _s(
        "penutupan-jalan",
        "Izin penggunaan/penutupan jalan kota",
        "perizinan",
        "perizinan",
        "pskwc-a2",
        "Izin memakai atau menutup ruas jalan kota untuk kegiatan masyarakat.",
        (2, WD),
        "Surat izin penggunaan jalan",
        [PENGANTAR, KTP, ("peta", "Peta/gambar ruas jalan", "asli", True, "")],
        fee=("formula", None, "Panjang × lebar × Rp500/m² per hari (retribusi jasa usaha)."),
        steps=PERMIT_STEPS,
    ),
    _s(
        "pertunjukan",
        "Rekomendasi izin pertunjukan insidental/hiburan umum",
        "perizinan",
        "perizinan",
        "pskwc-a3",
        "Rekomendasi camat untuk pertunjukan atau hiburan umum yang bersifat insidental.",
        (1, WD),
        "Surat rekomendasi camat",
        [
            PENGANTAR,
            KTP,
            ("proposal", "Proposal kegiatan", "asli", True, ""),
            ("izin-lokasi", "Izin pemilik lokasi", "asli", True, ""),
            (
                "akta",
                "Akta badan hukum penyelenggara",
                "fotokopi",
                False,
                "bagi penyelenggara berbadan hukum",
            ),
        ],
    ),
    _s(
        "imb",
        "IMB kecil (≤ 100 m², tidak bertingkat)",
        "perizinan",
        "perizinan",
        "pskwc-a4",
        "Tidak berlaku lagi: IMB diganti Persetujuan Bangunan Gedung (PBG) menurut PP 16/2021, diurus melalui SIMBG/DPMPTSP.",
        (5, WD),
        "Surat Izin Mendirikan Bangunan",
        [
            KTP,
            ("tetangga", "Persetujuan tetangga bermaterai", "asli", True, ""),
            ("tanah", "Bukti kepemilikan tanah", "fotokopi", True, ""),
            ("sppt", "SPPT PBB terakhir", "fotokopi", True, ""),
            ("gambar", "Gambar rencana bangunan", "asli", True, ""),
            PENGANTAR,
        ],
        fee=RETRIBUSI,
        steps=PERMIT_STEPS,
        until=date(2021, 8, 2),
        replaced="pp/16/2021",
    ),
    _s(
        "iumk",
        "Izin Usaha Mikro Kecil (IUMK)",
        "perizinan",
        "perizinan",
        "pskwc-a5",
        "Tidak berlaku lagi: perizinan usaha mikro kini berupa NIB melalui OSS (PP 5/2021); kecamatan membantu pendaftaran.",
        (2, WD),
        "Naskah IUMK",
        [PENGANTAR, KTP, KK, ("formulir", "Formulir IUMK", "asli", True, "")],
        until=date(2021, 6, 2),
        replaced="pp/5/2021",
    ),
    _s(
        "reklame",
        "Izin reklame kriteria tertentu",
        "perizinan",
        "perizinan",
        "pskwc-a6",
        "Izin reklame berukuran kecil di wilayah kecamatan.",
        (3, WD),
        "Surat izin reklame",
        [
            KTP,
            ("desain", "Desain dan ukuran reklame", "asli", True, ""),
            ("lokasi", "Denah lokasi reklame", "asli", True, ""),
        ],
        fee=RETRIBUSI,
        steps=PERMIT_STEPS,
    ),
    _s(
        "pariwisata",
        "Izin usaha pariwisata skala kecil",
        "perizinan",
        "perizinan",
        "pskwc-a7",
        "Izin bagi usaha pariwisata skala kecil (homestay, warung wisata).",
        (3, WD),
        "Surat izin usaha pariwisata",
        [PENGANTAR, KTP, ("denah", "Denah lokasi usaha", "asli", True, "")],
        steps=PERMIT_STEPS,
    ),
    _s(
        "situ",
        "SITU skala kecil",
        "perizinan",
        "perizinan",
        "pskwc-a8",
        "Tidak berlaku lagi: SITU digantikan perizinan berusaha melalui OSS.",
        (3, WD),
        "Surat Izin Tempat Usaha",
        [PENGANTAR, KTP, ("denah", "Denah tempat usaha", "asli", True, "")],
        fee=RETRIBUSI,
        steps=PERMIT_STEPS,
        until=date(2018, 7, 9),
        replaced="pp/5/2021",
    ),
    _s(
        "ho",
        "Rekomendasi izin gangguan (HO)",
        "perizinan",
        "perizinan",
        "pskwc-a9",
        "Tidak berlaku lagi: izin gangguan dihapus (Permendagri 19/2017).",
        (3, WD),
        "Surat rekomendasi izin gangguan",
        [
            KTP,
            ("tetangga", "Pernyataan tidak keberatan tetangga", "asli", True, ""),
            ("lahan", "Pernyataan status lahan", "asli", True, ""),
            ("pencemaran", "Pernyataan pencegahan pencemaran", "asli", True, ""),
            ("denah", "Denah lokasi", "asli", True, ""),
            KUASA,
        ],
        steps=PERMIT_STEPS,
        until=date(2017, 12, 31),
        replaced="permen/19/2017",
    ),
    _s(
        "skd",
        "Surat keterangan domisili penduduk",
        "non_perizinan",
        "keterangan",
        "pskwc-b2",
        "Keterangan tempat tinggal bagi penduduk di wilayah kecamatan.",
        (1, WD),
        "Surat keterangan domisili",
        [PENGANTAR, KTP, KK, KUASA],
    ),
    _s(
        "skd-parpol",
        "Surat keterangan domisili partai politik",
        "non_perizinan",
        "keterangan",
        "pskwc-b2",
        "Keterangan domisili sekretariat partai politik.",
        (1, WD),
        "Surat keterangan domisili partai politik",
        [
            PENGANTAR,
            ("sk-pengurus", "SK kepengurusan", "fotokopi", True, ""),
            ("ktp-pengurus", "KTP pengurus", "fotokopi", True, ""),
            ("foto", "Foto sekretariat", "asli", True, ""),
        ],
    ),
    _s(
        "skd-ormas",
        "Surat keterangan domisili ormas/lembaga",
        "non_perizinan",
        "keterangan",
        "pskwc-b2",
        "Keterangan domisili sekretariat organisasi kemasyarakatan atau lembaga.",
        (1, WD),
        "Surat keterangan domisili lembaga",
        [
            PENGANTAR,
            ("sk-pengurus", "SK kepengurusan", "fotokopi", True, ""),
            ("ktp-pengurus", "KTP pengurus", "fotokopi", True, ""),
            ("akta", "Akta notaris", "fotokopi", False, "bagi yang berbadan hukum"),
        ],
    ),
    _s(
        "sktm",
        "Legalisasi Surat Keterangan Tidak Mampu (SKTM)",
        "non_perizinan",
        "keterangan",
        None,
        "Pengesahan SKTM dari lurah untuk keperluan sekolah, kesehatan atau bantuan.",
        (1, HOURS),
        "SKTM yang dilegalisasi",
        [
            ("sktm", "SKTM asli dari kelurahan", "asli", True, ""),
            KTP,
            KK,
            ("pernyataan", "Surat pernyataan tidak mampu", "asli", True, ""),
        ],
    ),
    _s(
        "ahli-waris",
        "Surat keterangan ahli waris",
        "non_perizinan",
        "keterangan",
        None,
        "Pengesahan keterangan ahli waris oleh camat.",
        (90, MINUTES),
        "Surat keterangan ahli waris",
        [
            ("kematian", "Surat keterangan kematian", "fotokopi", True, ""),
            ("pernyataan-waris", "Pernyataan ahli waris bermaterai", "asli", True, ""),
            ("ktp-waris", "KTP dan KK semua ahli waris", "fotokopi", True, ""),
        ],
        steps=[
            ("Pemohon menyerahkan berkas", "pemohon", 10, MINUTES),
            ("Verifikasi berkas dan saksi", "loket", 30, MINUTES),
            ("Kasi memaraf", "kasi", 20, MINUTES),
            ("Camat menandatangani", "camat", 20, MINUTES),
            ("Penyerahan", "loket", 10, MINUTES),
        ],
    ),
    _s(
        "skkm",
        "Surat keterangan kurang mampu (SKKM)",
        "non_perizinan",
        "keterangan",
        None,
        "Keterangan kurang mampu untuk bantuan pendidikan atau kesehatan.",
        (1, WD),
        "Surat keterangan kurang mampu",
        [PENGANTAR, KTP, KK],
    ),
    _s(
        "dispensasi-nikah",
        "Rekomendasi dispensasi nikah",
        "non_perizinan",
        "kependudukan",
        None,
        "Rekomendasi camat bila pernikahan didaftarkan kurang dari 10 hari kerja (PMA 19/2018 Pasal 7 ayat 4).",
        (1, WD),
        "Surat rekomendasi dispensasi nikah",
        [
            ("n1-n4", "Pengantar kelurahan (N1, N2, N4)", "asli", True, ""),
            KTP,
            KK,
            ("rt-rw", "Pengantar RT/RW", "asli", True, ""),
        ],
    ),
    _s(
        "pengantar-ktp",
        "Pengantar KTP-el (perekaman/cetak)",
        "non_perizinan",
        "kependudukan",
        "pskwc-b1",
        "Pengantar perekaman atau pencetakan KTP-el.",
        (45, MINUTES),
        "Surat pengantar KTP-el",
        [
            ("formulir-desa", "Formulir dari desa/kelurahan", "asli", True, ""),
            KK,
            ("ktp-lama", "KTP lama", "asli", False, "bagi penggantian KTP"),
            ("kehilangan", "Surat kehilangan dari kepolisian", "asli", False, "bila KTP hilang"),
        ],
    ),
    _s(
        "pengantar-kk",
        "Pengantar Kartu Keluarga (baru/perubahan)",
        "non_perizinan",
        "kependudukan",
        "pskwc-b1",
        "Pengantar penerbitan KK baru atau perubahan data KK.",
        (55, MINUTES),
        "Surat pengantar KK",
        [
            ("f101", "Formulir F-1.01/F-1.02", "asli", True, ""),
            KK,
            KTP,
            ("pendukung", "Akta atau ijazah", "fotokopi", False, "bagi perubahan data"),
        ],
        steps=[
            ("Pemohon menyerahkan berkas", "pemohon", 5, MINUTES),
            ("Pemeriksaan berkas", "loket", 15, MINUTES),
            ("Verifikasi Kasi", "kasi", 15, MINUTES),
            ("Tanda tangan", "camat", 10, MINUTES),
            ("Penyerahan", "loket", 10, MINUTES),
        ],
    ),
    _s(
        "pindah",
        "Pengantar surat keterangan pindah",
        "non_perizinan",
        "kependudukan",
        "pskwc-b1",
        "Pengantar perpindahan penduduk antar kabupaten/kota.",
        (1, WD),
        "Surat pengantar pindah",
        [KK, KTP, ("formulir-pindah", "Formulir pindah", "asli", True, "")],
    ),
    _s(
        "akta-kematian",
        "Pengantar akta kematian",
        "non_perizinan",
        "kependudukan",
        "pskwc-b1",
        "Pengantar penerbitan akta kematian ke Disdukcapil.",
        (1, HOURS),
        "Surat pengantar akta kematian",
        [
            ("rt-rw", "Pengantar RT/RW", "asli", True, ""),
            ("ktp-kk-pemohon", "KTP dan KK pemohon", "fotokopi", True, ""),
            ("saksi", "KTP dua orang saksi", "fotokopi", True, ""),
        ],
    ),
    _s(
        "sku",
        "Surat keterangan usaha (SKU)",
        "non_perizinan",
        "keterangan",
        "pskwc-b2",
        "Keterangan bahwa penduduk menjalankan usaha di wilayah kecamatan.",
        (1, WD),
        "Surat keterangan usaha",
        [PENGANTAR, KTP, ("foto-usaha", "Foto tempat usaha", "digital", True, "")],
    ),
    _s(
        "legalisasi",
        "Legalisasi dokumen",
        "non_perizinan",
        "keterangan",
        None,
        "Pengesahan fotokopi surat, ijazah atau proposal.",
        (2, HOURS),
        "Fotokopi yang dilegalisasi",
        [
            ("asli", "Dokumen asli", "asli", True, ""),
            ("fotokopi", "Fotokopi dokumen", "fotokopi", True, ""),
        ],
    ),
    _s(
        "riwayat-tanah",
        "Surat keterangan riwayat/penguasaan tanah",
        "non_perizinan",
        "pertanahan",
        "pskwc-b3",
        "Keterangan riwayat penguasaan tanah dan pencatatan dalam register tanah kecamatan.",
        (5, WD),
        "Surat keterangan riwayat tanah",
        [
            PENGANTAR,
            ("bukti-tanah", "Bukti penguasaan tanah", "fotokopi", True, ""),
            ("saksi-batas", "Pernyataan saksi batas", "asli", True, ""),
            ("sppt", "SPPT PBB", "fotokopi", True, ""),
        ],
        steps=PERMIT_STEPS,
    ),
    _s(
        "skck",
        "Pengantar SKCK",
        "non_perizinan",
        "keterangan",
        None,
        "Pengantar camat untuk permohonan SKCK di kepolisian.",
        (1, HOURS),
        "Surat pengantar SKCK",
        [PENGANTAR, KTP, KK, ("pas-foto", "Pas foto 4×6", "asli", True, "")],
    ),
    _s(
        "informasi-publik",
        "Pelayanan informasi publik (PPID pembantu)",
        "non_perizinan",
        "informasi",
        None,
        "Permohonan informasi publik kepada PPID pembantu kecamatan (UU 14/2008).",
        (10, WD),
        "Informasi yang diminta atau surat pemberitahuan",
        [
            ("formulir-ppid", "Formulir permohonan informasi", "asli", True, ""),
            ("identitas", "Identitas pemohon", "fotokopi", True, ""),
        ],
        fee=(
            "formula",
            None,
            "Gratis; biaya fotokopi atau pengiriman ditanggung pemohon sesuai biaya nyata.",
        ),
        steps=[
            ("Permohonan diterima", "loket", 15, MINUTES),
            ("Penelusuran informasi", "back_office", 7, WD),
            ("Pemberitahuan tertulis", "sekcam", 1, WD),
        ],
        fee_basis="uu/14/2008",
    ),
    _s(
        "pengaduan",
        "Penanganan pengaduan pelayanan",
        "non_perizinan",
        "informasi",
        None,
        "Pengaduan, saran dan masukan atas pelayanan kecamatan, lisan, tertulis atau melalui SP4N-LAPOR!.",
        (3, WD),
        "Tanggapan atas pengaduan",
        [("identitas", "Identitas pengadu", "fotokopi", False, "bila pengaduan tidak anonim")],
        steps=[
            ("Pengaduan diterima dan dicatat", "loket", 15, MINUTES),
            ("Klarifikasi oleh Kasi", "kasi", 1, WD),
            ("Tanggapan ditandatangani", "camat", 1, WD),
        ],
    ),
]

COMPLAINTS = (
    "Kotak pengaduan di loket PATEN kecamatan.\n"
    "SP4N-LAPOR!: www.lapor.go.id\n"
    "Petugas pengaduan pada jam layanan."
)
MANAGEMENT = {
    "facilities": "Ruang tunggu, loket, komputer dan printer, papan informasi standar pelayanan, kotak pengaduan.",
    "staff_competence": "Memahami peraturan pelayanan publik dan PATEN; mampu mengoperasikan komputer; ramah dan komunikatif.",
    "internal_supervision": "Pengawasan langsung oleh Sekretaris Kecamatan dan Camat; pemeriksaan oleh Inspektorat.",
    "staff_count": "2 petugas loket, 1 Kasi Pelayanan",
    "service_guarantee": "Pelayanan diberikan sesuai standar pelayanan ini dan maklumat pelayanan kecamatan.",
    "safety_guarantee": "Dokumen pemohon dijaga kerahasiaannya; produk layanan ditandatangani pejabat berwenang.",
    "performance_evaluation": "Evaluasi berkala melalui Survei Kepuasan Masyarakat (SKM) setiap semester.",
}

MAKLUMAT_TEXT = (
    "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar "
    "pelayanan yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap "
    "menerima sanksi sesuai peraturan perundang-undangan yang berlaku."
)


def _instrument(key: str) -> LegalInstrument:
    kind, number, year = key.split("/")
    return LegalInstrument.objects.get(kind=kind, number=number, year=int(year))


def _instruments() -> None:
    for kind, number, year, title, signed_on, status, _replaced in INSTRUMENTS:
        instrument = LegalInstrument.objects.filter(kind=kind, number=number, year=year).first()
        if instrument is None:
            instrument = LegalInstrument(
                kind=kind,
                number=number,
                year=year,
                title=title,
                signed_on=signed_on,
                effective_from=signed_on,
                status=status,
            )
            instrument.full_clean()
            instrument.save()


def _categories() -> dict[str, ServiceCategory]:
    result = {}
    for order, (slug, name, description) in enumerate(CATEGORIES):
        category = ServiceCategory.objects.filter(slug=slug).first()
        if category is None:
            category = ServiceCategory(
                slug=slug, name=name, description=description, sort_order=order
            )
            category.full_clean()
            category.save()
        result[slug] = category
    return result


def _delegations() -> None:
    pskwc = _instrument(PSKWC)
    for code, reference, authority, field, opd, kecamatan, until, revoked in DELEGATIONS:
        if DelegatedAuthority.objects.filter(code=code).exists():
            continue
        delegation = DelegatedAuthority(
            code=code,
            instrument=pskwc,
            reference=reference,
            authority=authority,
            field=field,
            originating_opd=opd,
            all_kecamatan=kecamatan is None,
            effective_from=pskwc.signed_on,
            effective_until=until,
            revoked=revoked,
        )
        delegation.full_clean()
        delegation.save()
        if kecamatan:
            delegation.kecamatan.set(Region.objects.filter(code__in=kecamatan))


def _build_service(spec: dict, categories: dict[str, ServiceCategory]) -> ServicePage:
    fee_kind, fee_amount, fee_description = spec.get("fee", FREE)
    delegation = (
        DelegatedAuthority.objects.get(code=spec["delegation"]) if spec["delegation"] else None
    )
    service = ServicePage(
        title=spec["title"],
        code=spec["code"],
        category=categories[spec["category"]],
        field=spec["field"],
        delegated_authority=delegation,
        summary=spec["summary"],
        duration_value=spec["duration"][0],
        duration_unit=spec["duration"][1],
        fee_kind=fee_kind,
        fee_amount=fee_amount,
        fee_description=fee_description,
        fee_legal_basis=(
            _instrument(spec.get("fee_basis", PERDA_RETRIBUSI)) if fee_kind != "free" else None
        ),
        product=spec["product"],
        complaint_channels=plain_to_richtext(COMPLAINTS),
        effective_from=date(2016, 3, 1),
        effective_until=spec.get("until"),
        **{
            name: plain_to_richtext(text)
            for name, text in MANAGEMENT.items()
            if name != "staff_count"
        },
        staff_count=MANAGEMENT["staff_count"],
    )
    service.required_documents = [
        RequiredDocument(
            key=key,
            name=name,
            form=form,
            is_mandatory=mandatory,
            condition=condition,
            accepted_file_types=["jpg", "png"] if form == "digital" else [],
            sort_order=order,
        )
        for order, (key, name, form, mandatory, condition) in enumerate(spec["docs"])
    ]
    steps = spec.get("steps") or _fit(LOKET_STEPS, spec["duration"])
    recorded = _recorded_by(steps)
    service.procedure_steps = [
        ProcedureStep(
            title=title,
            role=role,
            duration_value=value,
            duration_unit=unit,
            sort_order=o,
            recorded_by=recorded[o],
        )
        for o, (title, role, value, unit) in enumerate(steps)
    ]
    basis = [(UU_25, "Pasal 21"), (PERMENDAGRI_4, ""), (PP_17, "")]
    if delegation is not None:
        basis.append((PSKWC, delegation.reference))
    if spec.get("replaced"):
        basis.append((spec["replaced"], ""))
    service.legal_basis = [
        ServiceLegalBasis(instrument=_instrument(key), article=article, sort_order=o)
        for o, (key, article) in enumerate(basis)
    ]
    return service


def _recorded_by(steps) -> list[str]:
    """The workflow transition that records each demo step by itself (handing in the
    file, the loket's check, the camat's signature, the handover); "" for the steps the
    back office marks done."""
    T = StepTransition
    result, used = [], set()
    for title, role, _value, _unit in steps:
        text = title.casefold()
        kind = ""
        if role == "pemohon" or (role == "loket" and "diterima" in text):
            kind = T.INTAKE
        elif role == "loket" and ("periksa" in text or "verifikasi" in text):
            kind = T.VERIFICATION
        elif role in ("camat", "sekcam") and ("tanda" in text or "menandatangani" in text):
            kind = T.SIGNATURE
        elif role == "loket" and "serah" in text:
            kind = T.HANDOVER
        if kind in used:
            kind = ""
        used.add(kind)
        result.append(str(kind))
    return result


def _fit(steps, total):
    """The standard loket steps, shortened when the service promises under 50 minutes."""
    value, unit = total
    if unit == MINUTES and value < sum(s[2] for s in steps):
        return [(t, r, max(1, v * value // 50), u) for t, r, v, u in steps]
    return steps


def _overrides() -> None:
    """Bontang Barat: domicile letters take two working days and need an RT letter."""
    service = ServicePage.objects.get(code="skd")
    if service.kecamatan_overrides.exists():
        return
    service.kecamatan_overrides = [
        KecamatanOverride(
            kecamatan=Region.objects.get(code="64.74.03"),
            duration_value=2,
            duration_unit="working_days",
            extra_requirements="Surat pengantar RT",
            note="Verifikasi lapangan oleh kelurahan untuk wilayah pesisir.",
        )
    ]
    service_publish(service=service)


def _maklumat() -> None:
    for code, (_name, camat) in KECAMATAN.items():
        if Maklumat.objects.filter(kecamatan_id=code).exists():
            continue
        maklumat = Maklumat(
            kecamatan=Region.objects.get(code=code),
            text=plain_to_richtext(MAKLUMAT_TEXT),
            camat_name=camat,
            signed_on=date(2026, 1, 5),
        )
        maklumat.full_clean()
        maklumat.save()


@transaction.atomic
def catalog_demo_load() -> dict[str, int]:
    """Create the demo catalog if missing; returns how many services were created.

    Needs the Kota Bontang regions (``load_demo_data`` imports them first).
    """
    missing = [code for code in KECAMATAN if not Region.objects.filter(code=code).exists()]
    if missing:
        raise RuntimeError(f"catalog_demo_load: import the regions first (missing {missing})")
    catalog_index_ensure()
    _instruments()
    categories = _categories()
    _delegations()
    created = 0
    for spec in SERVICES:
        if ServicePage.objects.filter(code=spec["code"]).exists():
            continue
        service_publish(service=_build_service(spec, categories))
        created += 1
    _overrides()
    _maklumat()
    return {"services_created": created, "services": ServicePage.objects.count()}
