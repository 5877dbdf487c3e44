"""Demo data of the PPID for Kota Bontang (``load_demo_data``).

``ppid_demo_load()`` fills in the PPID structure and, through the services, the public
information list of the pemda and each kecamatan (all four classes: berkala with one entry
overdue for update, an active serta-merta warning, setiap saat, and an exempt entry with
its uji konsekuensi) and information requests in every state: received at the PPID utama,
routed, extended, granted (and published to the DIP), granted in part with an objection
answered by the atasan PPID, refused, not held, withdrawn, and one overdue.

Dates are relative to today, so the deadlines stay meaningful whenever the demo is
loaded. Idempotent: entries are found by title and unit, requests by their demo key
(kept in the purpose text), and nothing existing is changed. Demo requesters give a
phone number only, so no e-mail is queued. Needs the regions and the demo staff of
``load_demo_data`` (``ppid``, ``ppid.<kecamatan>``, ``atasanppid``).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from paten.demo import DEMO_KECAMATAN
from paten.regions.models import Region

from .constants import InformationClass, ObjectionGround, RequestChannel, RequestState
from .models import (
    ConsequenceTest,
    DipCategory,
    DipDocument,
    DipEntry,
    ExceptionGround,
    InformationRequest,
    PpidSettings,
    ReportNarrative,
)
from .services import (
    RequestInput,
    calendar_for,
    consequence_test_number_issue,
    dip_number_issue,
    objection_answer,
    objection_file,
    request_decide,
    request_extend,
    request_publish_to_dip,
    request_route,
    request_submit,
    request_withdraw,
)

UTARA, SELATAN, BARAT = "64.74.01", "64.74.02", "64.74.03"
DEMO_PDF = b"%PDF-1.4\n% PATEN demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CATEGORIES = (
    ("Profil dan struktur organisasi", 1),
    ("Program dan kegiatan", 2),
    ("Keuangan", 3),
    ("Layanan publik", 4),
    ("Kebencanaan dan keadaan darurat", 5),
)


@dataclass
class DemoResult:
    entries_created: int = 0
    requests_created: int = 0

    @property
    def message(self) -> str:
        return (
            f"PPID: {self.entries_created} DIP entries and {self.requests_created} "
            "information requests created"
        )


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _settings() -> None:
    settings = PpidSettings.load()
    if not settings.atasan_name:
        settings.atasan_name = "Drs. Budi Prasetyo, M.Si."
        settings.utama_name = "Rina Kartika, S.Kom."
        settings.utama_unit = "PPID Utama Kota Bontang"
        settings.address = "Jl. Moh. Roem No. 1, Bontang"
        settings.save()


def _categories() -> dict[str, DipCategory]:
    result = {}
    for name, order in CATEGORIES:
        category, _created = DipCategory.objects.get_or_create(
            name=name, defaults={"sort_order": order}
        )
        result[name] = category
    return result


def _document(title: str):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save("dokumen-contoh.pdf", ContentFile(DEMO_PDF), save=False)
        document.save()
    return document


def _consequence_test(kecamatan: Region | None, user) -> ConsequenceTest:
    information = "Data pribadi pemohon layanan administrasi (NIK, No. KK, alamat)"
    test = ConsequenceTest.objects.filter(kecamatan=kecamatan, information=information).first()
    if test is not None:
        return test
    today = timezone.localdate()
    test = ConsequenceTest(
        kecamatan=kecamatan,
        information=information,
        ground=ExceptionGround.objects.get(article="UU 14/2008 Pasal 17 huruf h"),
        consequence=(
            "Membuka data ini mengungkap rahasia pribadi warga dan dapat disalahgunakan "
            "untuk penipuan atau pemalsuan identitas."
        ),
        public_interest=(
            "Kepentingan umum terpenuhi melalui statistik layanan yang diumumkan tanpa "
            "identitas; perlindungan data pribadi (UU 27/2022) lebih besar."
        ),
        decided_on=today.replace(month=1, day=5),
        exempt_until=today.replace(year=today.year + 5, month=1, day=5),
        decided_by="PPID " + (f"Kecamatan {kecamatan.name}" if kecamatan else "Utama"),
    )
    with transaction.atomic():
        test.number = consequence_test_number_issue(kecamatan_code=test.kecamatan_id)
        test.full_clean()
        test.save()
    return test


def _entry(*, kecamatan, title, category, user, documents=(), **fields) -> bool:
    if DipEntry.objects.filter(kecamatan=kecamatan, title=title).exists():
        return False
    unit = f"Kecamatan {kecamatan.name}" if kecamatan else "Pemerintah Kota Bontang"
    values = {
        "summary": "",
        "holding_unit": f"Sekretariat {unit}",
        "responsible": f"PPID {unit}" if kecamatan else "PPID Utama Kota Bontang",
        "year": timezone.localdate().year,
        "produced_at": "Bontang",
        "retention": "5 tahun",
    }
    values.update(fields)
    with transaction.atomic():
        entry = DipEntry(kecamatan=kecamatan, title=title, category=category, **values)
        entry.number = dip_number_issue(kecamatan_code=entry.kecamatan_id)
        entry.full_clean()
        entry.save()
        for order, document in enumerate(documents):
            DipDocument.objects.create(entry=entry, document=document, sort_order=order)
        entry.save_revision(user=user).publish(user=user)
    return True


def _unit_entries(name: str, today, categories: dict[str, DipCategory]) -> list[dict]:
    """The DIP entries every PPID unit of the demo publishes (``name`` is the unit's)."""
    return [
        {
            "title": f"Profil dan struktur organisasi {name}",
            "category": categories["Profil dan struktur organisasi"],
            "information_class": InformationClass.PERIODIC,
            "summary": "Tugas, fungsi, struktur organisasi, alamat dan kontak.",
            "produced_on": today - timedelta(days=40),
            "updated_on": today - timedelta(days=40),
            "documents": [_document(f"Struktur organisasi {name}")],
        },
        {
            "title": f"Laporan realisasi anggaran {name} {today.year - 1}",
            "category": categories["Keuangan"],
            "information_class": InformationClass.PERIODIC,
            "summary": "Realisasi pendapatan dan belanja tahun anggaran sebelumnya.",
            "year": today.year - 1,
            "produced_on": today.replace(month=1, day=31),
            # Updated eight months ago: the admin flags it as overdue for update.
            "updated_on": today - timedelta(days=240),
            "documents": [_document(f"Laporan realisasi anggaran {name}")],
        },
        {
            "title": f"Standar operasional prosedur pelayanan {name}",
            "category": categories["Layanan publik"],
            "information_class": InformationClass.ANY_TIME,
            "summary": "SOP pelayanan administrasi terpadu beserta maklumat pelayanan.",
            "documents": [_document(f"SOP pelayanan {name}")],
        },
        {
            "title": f"Data pribadi pemohon layanan {name}",
            "category": categories["Layanan publik"],
            "information_class": InformationClass.EXEMPT,
        },
    ]


def _dip(categories: dict[str, DipCategory]) -> int:
    today = timezone.localdate()
    created = 0
    units = [(None, "ppid")] + [
        (Region.objects.get(code=code), f"ppid.{slug}") for code, slug in DEMO_KECAMATAN.items()
    ]
    for kecamatan, username in units:
        user = _user(username)
        name = kecamatan.name if kecamatan else "Kota Bontang"
        for entry in _unit_entries(name, today, categories):
            if entry["information_class"] == InformationClass.EXEMPT:
                entry["consequence_test"] = _consequence_test(kecamatan, user)
            created += _entry(kecamatan=kecamatan, user=user, **entry)
    selatan = Region.objects.get(code=SELATAN)
    created += _entry(
        kecamatan=selatan,
        user=_user("ppid.bontang-selatan"),
        title="Peringatan dini banjir rob di pesisir Bontang Selatan",
        category=categories["Kebencanaan dan keadaan darurat"],
        information_class=InformationClass.IMMEDIATE,
        summary=(
            "Air pasang tinggi diperkirakan dua minggu ke depan. Warga Tanjung Laut dan "
            "Berbas Pantai diminta waspada; posko di kantor kecamatan buka 24 jam."
        ),
        immediate_until=today + timedelta(days=14),
    )
    return created


@dataclass(frozen=True)
class DemoRequest:
    key: str
    name: str
    information: str
    kecamatan: str | None
    working_days_ago: int


REQUESTS = (
    DemoRequest("diterima", "Andi Wijaya", "Jadwal pelayanan PATEN di seluruh kecamatan", None, 1),
    DemoRequest("didisposisi", "Maria Ulfa", "Daftar sarana prasarana pelayanan", UTARA, 3),
    DemoRequest("diperpanjang", "Hendra Gunawan", "Notulen musrenbang kecamatan 2025", UTARA, 8),
    DemoRequest("dikabulkan", "Dewi Lestari", "Rekapitulasi layanan PATEN per bulan", SELATAN, 12),
    DemoRequest("sebagian", "Rudi Hartono", "Daftar penerima bantuan beserta alamatnya", UTARA, 45),
    DemoRequest("ditolak", "Yusuf Maulana", "Salinan KTP pemohon surat keterangan", BARAT, 15),
    DemoRequest("tidak-dikuasai", "Lina Marlina", "Izin lingkungan pabrik pupuk", SELATAN, 9),
    DemoRequest("ditarik", "Agus Salim", "Peta batas kelurahan", BARAT, 4),
    DemoRequest("terlambat", "Nur Aini", "Laporan kegiatan posyandu 2025", BARAT, 16),
)


def _received_at(working_days_ago: int) -> datetime:
    calendar = calendar_for(None)
    day = timezone.localdate()
    for _i in range(working_days_ago):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(9, 30)))


def _after(start: datetime, working_days: int) -> datetime:
    calendar = calendar_for(None)
    day = calendar.add_working_days(timezone.localdate(start), working_days)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _requests(categories) -> int:
    created = 0
    utama, atasan = _user("ppid"), _user("atasanppid")
    ground = ExceptionGround.objects.get(article="UU 14/2008 Pasal 17 huruf h")
    for demo in REQUESTS:
        marker = f"[demo:{demo.key}]"
        if InformationRequest.objects.filter(purpose__endswith=marker).exists():
            continue
        received = _received_at(demo.working_days_ago)
        kecamatan = Region.objects.get(code=demo.kecamatan) if demo.kecamatan else None
        with transaction.atomic():
            item = request_submit(
                data=RequestInput(
                    requester_name=demo.name,
                    requester_nik="6474014107900001",
                    requester_address="Jl. Bhayangkara, Bontang",
                    requester_phone="081234567890",
                    information_requested=demo.information,
                    purpose=f"Kajian dan pengawasan pelayanan publik {marker}",
                ),
                channel=RequestChannel.ONLINE,
                identity_file=SimpleUploadedFile("ktp.png", DEMO_PNG),
                received_at=received,
            )
            if kecamatan is not None:
                request_route(request=item, kecamatan=kecamatan, actor=utama)
            officer = _user(f"ppid.{DEMO_KECAMATAN[demo.kecamatan]}") if demo.kecamatan else utama
            decided = _after(received, 4)
            if demo.key == "diperpanjang":
                request_extend(
                    request=item,
                    days=5,
                    reason="Notulen masih dihimpun dari arsip kelurahan.",
                    actor=officer,
                    now=_after(received, 6),
                )
            elif demo.key == "dikabulkan":
                request_decide(
                    request=item,
                    outcome=RequestState.GRANTED,
                    actor=officer,
                    answer="Rekapitulasi terlampir.",
                    files=[SimpleUploadedFile("rekap.pdf", DEMO_PDF)],
                    now=decided,
                )
                request_publish_to_dip(
                    request=item,
                    actor=officer,
                    title="Rekapitulasi layanan PATEN per bulan, Kecamatan Bontang Selatan",
                    summary="Jumlah permohonan per layanan dan bulan.",
                    category=categories["Layanan publik"],
                    retention="5 tahun",
                )
            elif demo.key == "sebagian":
                exempt = DipEntry.objects.get(
                    kecamatan=kecamatan, information_class=InformationClass.EXEMPT
                )
                item = request_decide(
                    request=item,
                    outcome=RequestState.GRANTED_IN_PART,
                    actor=officer,
                    answer="Daftar penerima bantuan per kelurahan terlampir.",
                    withheld="Nama dan alamat penerima (data pribadi).",
                    exempt_entry=exempt,
                    files=[SimpleUploadedFile("penerima.pdf", DEMO_PDF)],
                    now=decided,
                )
                filed = _after(decided, 3)
                objection = objection_file(
                    request=item,
                    ground=ObjectionGround.REFUSED_EXCEPTION,
                    reasons="Nama penerima bantuan sosial semestinya terbuka untuk pengawasan.",
                    now=filed,
                )
                objection_answer(
                    objection=objection,
                    decision="ditolak",
                    answer=(
                        "Nama dan alamat penerima tetap dikecualikan sesuai uji konsekuensi; "
                        "jumlah penerima per kelurahan sudah diberikan."
                    ),
                    actor=atasan,
                    now=_after(filed, 10),
                )
            elif demo.key == "ditolak":
                request_decide(
                    request=item,
                    outcome=RequestState.REFUSED,
                    actor=officer,
                    exception_ground=ground,
                    answer="Salinan KTP adalah data pribadi pemohon layanan.",
                    now=decided,
                )
            elif demo.key == "tidak-dikuasai":
                request_decide(
                    request=item,
                    outcome=RequestState.NOT_HELD,
                    actor=officer,
                    not_held_where="Dinas Lingkungan Hidup Kota Bontang",
                    now=decided,
                )
            elif demo.key == "ditarik":
                request_withdraw(request=item, note="Pemohon menarik permohonan melalui surat.")
        created += 1
    return created


def _narrative() -> None:
    year = timezone.localdate().year - 1
    ReportNarrative.objects.get_or_create(
        year=year,
        period="tahun",
        kecamatan=None,
        defaults={
            "policy": "Pelayanan informasi publik diatur dengan Peraturan Wali Kota tentang PPID.",
            "facilities": "Meja layanan informasi di setiap kantor kecamatan; kondisi baik.",
            "human_resources": "Satu PPID pelaksana per kecamatan, dibantu satu staf.",
            "budget": "Dianggarkan pada DPA Dinas Kominfo; terserap 92 %.",
            "external_obstacles": "Sebagian pemohon belum melampirkan identitas.",
            "internal_obstacles": "Arsip kelurahan belum seluruhnya digital.",
            "recommendations": "Digitalisasi arsip kelurahan dan pelatihan PPID pelaksana.",
        },
    )


def ppid_demo_load() -> DemoResult:
    """Load the PPID demo data; safe to run again (see the module docstring)."""
    _settings()
    categories = _categories()
    result = DemoResult()
    result.entries_created = _dip(categories)
    result.requests_created = _requests(categories)
    _narrative()
    return result
