"""Demo application forms and applications for Kota Bontang (64.74).

``forms_demo_load()`` gives six demo services a published application form (through
the form validation and Wagtail publishing, so each has a ``FormVersion``) and
issuance settings, then registers a handful of applications per Bontang kecamatan
and walks them through the workflow with the demo staff of ``paten.demo``, so that
every queue shows something. All personal data is invented: applicants are "Warga
Demo n" with an address at ``demo.paten.local`` (the marker that keeps a rerun from
creating anything again), NIKs and No. KK are made up but pass validation.

Needs the regions, the demo staff and the demo catalog (``load_demo_data`` creates
them first).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from paten.demo import DEMO_KECAMATAN
from paten.regions.constants import RegionLevel
from paten.regions.models import Region
from service_catalog.models import ServicePage
from service_catalog.selectors import kecamatan_offering

from .constants import FieldType, RegionScope
from .models import Application, FormField, IssuanceSettings, ServiceForm
from .notifications import notifications_paused
from .services import (
    Applicant,
    application_submit,
    application_transition,
    form_version_publish,
    service_form_validate,
)
from .workflow import ApplicationState, Channel, is_last_back_office_step

S = ApplicationState
DEMO_EMAIL_DOMAIN = "demo.paten.local"
NUMBER_PATTERN = "{seq:03}/{service_code}/{kecamatan_code}/{year}"
YA, TIDAK = "Ya", "Tidak"


@dataclass(frozen=True)
class DemoPerson:
    """The invented applicant of demo application ``n`` in one kecamatan."""

    n: int
    kecamatan: Region
    desa_code: str

    @property
    def name(self) -> str:
        return f"Warga Demo {self.n}"

    @property
    def female(self) -> bool:
        return self.n % 2 == 0

    @property
    def birth_date(self) -> date:
        return date(1960, 1, 1) + timedelta(days=700 * self.n)

    @property
    def nik(self) -> str:
        day = self.birth_date.day + (40 if self.female else 0)
        born = self.birth_date
        return f"{self._area}{day:02d}{born.month:02d}{born.year % 100:02d}{9000 + self.n:04d}"

    @property
    def no_kk(self) -> str:
        entered = date(2015, 1, 5) + timedelta(days=31 * self.n)
        return f"{self._area}{entered:%d%m}{entered.year % 100:02d}{8000 + self.n:04d}"

    @property
    def phone(self) -> str:
        return f"0812 0000 {self.n:04d}"

    @property
    def email(self) -> str:
        return f"warga.demo.{self.n}@{DEMO_EMAIL_DOMAIN}"

    @property
    def address(self) -> str:
        return f"Jl. Contoh Demo No. {self.n}, RT {self.n % 30 + 1:03d}"

    @property
    def by_proxy(self) -> bool:
        return self.n % 3 == 1

    @property
    def _area(self) -> str:
        return self.kecamatan.code.replace(".", "")


Sample = Callable[[DemoPerson], object]


@dataclass(frozen=True)
class DemoField:
    key: str
    label: str
    field_type: str
    sample: Sample | None = None
    required: bool = True
    section: str = ""
    step: int = 1
    help_text: str = ""
    choices: str = ""
    condition: tuple[str, str] | None = None
    document: str = ""
    #: marked personal whatever the key and label say (``FormField.personal``)
    personal: bool = False

    def row(self, sort_order: int) -> FormField:
        return FormField(
            key=self.key,
            label=self.label,
            field_type=self.field_type,
            required=self.required,
            section=self.section,
            step=self.step,
            help_text=self.help_text,
            choices=self.choices,
            condition_field=self.condition[0] if self.condition else "",
            condition_value=self.condition[1] if self.condition else "",
            required_document_key=self.document,
            region_scope=RegionScope.KECAMATAN if self.field_type == FieldType.REGION else "",
            personal=self.personal,
            sort_order=sort_order,
        )


PEMOHON = "Data pemohon"
KUASA = "Kuasa"
DOKUMEN = "Dokumen"


def _applicant_fields(*, with_kk: bool) -> list[DemoField]:
    fields = [
        DemoField(
            "nik_pemohon",
            "NIK pemohon",
            FieldType.NIK,
            lambda p: p.nik,
            section=PEMOHON,
            help_text="16 digit sesuai KTP-el.",
        ),
    ]
    if with_kk:
        fields.append(
            DemoField(
                "no_kk", "Nomor Kartu Keluarga", FieldType.NO_KK, lambda p: p.no_kk, section=PEMOHON
            )
        )
    fields += [
        DemoField(
            "nama_pemohon",
            "Nama lengkap",
            FieldType.APPLICANT_NAME,
            lambda p: p.name,
            section=PEMOHON,
        ),
        DemoField(
            "tempat_lahir",
            "Tempat lahir",
            FieldType.SINGLELINE,
            lambda p: "Bontang",
            section=PEMOHON,
        ),
        DemoField(
            "tanggal_lahir",
            "Tanggal lahir",
            FieldType.BIRTH_DATE,
            lambda p: p.birth_date.isoformat(),
            section=PEMOHON,
        ),
        DemoField("alamat", "Alamat", FieldType.MULTILINE, lambda p: p.address, section=PEMOHON),
        DemoField(
            "desa_kelurahan",
            "Kelurahan",
            FieldType.REGION,
            lambda p: p.desa_code,
            section=PEMOHON,
        ),
        DemoField(
            "no_hp",
            "Nomor HP/WhatsApp",
            FieldType.PHONE,
            lambda p: p.phone,
            section=PEMOHON,
            help_text="Untuk pemberitahuan status permohonan.",
        ),
    ]
    return fields


def _proxy_fields(*, kuasa_document: str = "") -> list[DemoField]:
    fields = [
        DemoField(
            "dikuasakan",
            "Permohonan dikuasakan kepada orang lain?",
            FieldType.RADIO,
            lambda p: YA if p.by_proxy else TIDAK,
            section=KUASA,
            step=2,
            choices=f"{TIDAK}\n{YA}",
        ),
        DemoField(
            "nama_penerima_kuasa",
            "Nama penerima kuasa",
            FieldType.SINGLELINE,
            lambda p: f"Kerabat Warga Demo {p.n}" if p.by_proxy else "",
            section=KUASA,
            step=2,
            condition=("dikuasakan", YA),
        ),
    ]
    if kuasa_document:
        fields.append(
            DemoField(
                "surat_kuasa",
                "Surat kuasa bermaterai",
                FieldType.FILE,
                section=KUASA,
                step=2,
                condition=("dikuasakan", YA),
                document=kuasa_document,
                help_text="PDF, JPG atau PNG.",
            )
        )
    return fields


def _file(key: str, label: str, document: str) -> DemoField:
    return DemoField(
        key,
        label,
        FieldType.FILE,
        section=DOKUMEN,
        step=3,
        document=document,
        help_text="Pindaian atau foto yang jelas: PDF, JPG atau PNG.",
    )


KEPERLUAN = "Keperluan"

# service code -> (intro, fields, issuance template extra line, validity days)
FORMS: dict[str, tuple[str, list[DemoField], str, int | None]] = {
    "skd": (
        "Isi data sesuai KTP-el dan Kartu Keluarga. Surat pengantar RT/kelurahan dibawa saat "
        "pengambilan.",
        [
            *_applicant_fields(with_kk=True),
            DemoField(
                "tinggal_sejak",
                "Tinggal di alamat ini sejak",
                FieldType.DATE,
                lambda p: date(2018, 1 + p.n % 12, 1).isoformat(),
                section=KEPERLUAN,
            ),
            DemoField(
                "keperluan",
                "Keperluan surat",
                FieldType.DROPDOWN,
                lambda p: ("Melamar pekerjaan", "Pendaftaran sekolah", "Perbankan")[p.n % 3],
                section=KEPERLUAN,
                choices="Melamar pekerjaan\nPendaftaran sekolah\nPerbankan\nLainnya",
            ),
            *_proxy_fields(kuasa_document="kuasa"),
            _file("dokumen_ktp", "KTP-el pemohon", "ktp"),
        ],
        "berdomisili di {{ data.alamat }} sejak {{ data.tinggal_sejak }}",
        180,
    ),
    "sktm": (
        "Legalisasi SKTM dari kelurahan. Bawa SKTM asli saat verifikasi.",
        [
            *_applicant_fields(with_kk=True),
            DemoField(
                "nomor_sktm",
                "Nomor SKTM kelurahan",
                FieldType.SINGLELINE,
                lambda p: f"470/{100 + p.n}/KEL-DEMO/2026",
                section=KEPERLUAN,
            ),
            DemoField(
                "keperluan",
                "Keperluan",
                FieldType.RADIO,
                lambda p: ("Pendidikan", "Kesehatan", "Bantuan sosial")[p.n % 3],
                section=KEPERLUAN,
                choices="Pendidikan\nKesehatan\nBantuan sosial",
            ),
            *_proxy_fields(),
            _file("dokumen_sktm", "SKTM dari kelurahan", "sktm"),
        ],
        "SKTM nomor {{ data.nomor_sktm }} untuk keperluan {{ data.keperluan }}",
        90,
    ),
    "ahli-waris": (
        "Keterangan ahli waris dari almarhum/almarhumah. Semua ahli waris dan dua saksi hadir "
        "saat verifikasi.",
        [
            *_applicant_fields(with_kk=True),
            DemoField(
                "nama_pewaris",
                "Nama almarhum/almarhumah",
                FieldType.SINGLELINE,
                lambda p: f"Pewaris Demo {p.n}",
                section="Data pewaris",
            ),
            DemoField(
                "tanggal_meninggal",
                "Tanggal meninggal",
                FieldType.DATE,
                lambda p: date(2025, 1 + p.n % 12, 10).isoformat(),
                section="Data pewaris",
            ),
            DemoField(
                "jumlah_ahli_waris",
                "Jumlah ahli waris",
                FieldType.NUMBER,
                lambda p: 2 + p.n % 4,
                section="Data pewaris",
            ),
            DemoField(
                "daftar_ahli_waris",
                "Nama ahli waris dan hubungan keluarga",
                FieldType.MULTILINE,
                lambda p: f"1. Warga Demo {p.n} (anak)\n2. Saudara Demo {p.n} (anak)",
                section="Data pewaris",
            ),
            *_proxy_fields(),
            _file("dokumen_kematian", "Surat keterangan kematian", "kematian"),
        ],
        "ahli waris dari almarhum/almarhumah {{ data.nama_pewaris }}",
        None,
    ),
    "keramaian": (
        "Rekomendasi camat untuk izin keramaian dari kepolisian. Ajukan paling lambat tujuh "
        "hari sebelum acara.",
        [
            *_applicant_fields(with_kk=False),
            DemoField(
                "nama_acara",
                "Nama/jenis acara",
                FieldType.SINGLELINE,
                lambda p: ("Resepsi pernikahan", "Syukuran", "Lomba 17 Agustus")[p.n % 3],
                section="Acara",
            ),
            DemoField(
                "tanggal_acara",
                "Tanggal acara",
                FieldType.DATE,
                lambda p: date(2026, 8, 1 + p.n % 28).isoformat(),
                section="Acara",
            ),
            DemoField(
                "tempat_acara",
                "Tempat acara",
                FieldType.SINGLELINE,
                lambda p: f"Halaman rumah, {p.address}",
                section="Acara",
                # The applicant's home address: the admin marks it personal.
                personal=True,
            ),
            DemoField(
                "jumlah_tamu",
                "Perkiraan jumlah tamu",
                FieldType.NUMBER,
                lambda p: 100 + 50 * (p.n % 5),
                section="Acara",
            ),
            *_proxy_fields(),
            _file("dokumen_ktp", "KTP-el pemohon", "ktp"),
        ],
        "menyelenggarakan {{ data.nama_acara }} pada {{ data.tanggal_acara }}",
        30,
    ),
    "pengantar-ktp": (
        "Pengantar perekaman atau pencetakan KTP-el ke Disdukcapil.",
        [
            *_applicant_fields(with_kk=True),
            DemoField(
                "jenis_permohonan",
                "Jenis permohonan",
                FieldType.DROPDOWN,
                lambda p: ("Perekaman baru", "Cetak ulang (rusak)", "Cetak ulang (hilang)")[
                    p.n % 3
                ],
                section=KEPERLUAN,
                choices="Perekaman baru\nCetak ulang (rusak)\nCetak ulang (hilang)",
            ),
            *_proxy_fields(),
            _file("dokumen_kk", "Kartu Keluarga", "kk"),
        ],
        "{{ data.jenis_permohonan }} KTP-el",
        30,
    ),
    "sku": (
        "Keterangan usaha bagi penduduk yang menjalankan usaha di wilayah kecamatan.",
        [
            *_applicant_fields(with_kk=False),
            DemoField(
                "nama_usaha",
                "Nama usaha",
                FieldType.SINGLELINE,
                lambda p: f"Warung Demo {p.n}",
                section="Usaha",
            ),
            DemoField(
                "jenis_usaha",
                "Jenis usaha",
                FieldType.DROPDOWN,
                lambda p: ("Perdagangan", "Jasa", "Kuliner")[p.n % 3],
                section="Usaha",
                choices="Perdagangan\nJasa\nKuliner\nLainnya",
            ),
            DemoField(
                "alamat_usaha",
                "Alamat usaha",
                FieldType.MULTILINE,
                lambda p: f"Jl. Usaha Demo No. {p.n}",
                section="Usaha",
            ),
            DemoField(
                "mulai_usaha",
                "Mulai usaha",
                FieldType.DATE,
                lambda p: date(2020, 1 + p.n % 12, 1).isoformat(),
                section="Usaha",
            ),
            *_proxy_fields(),
            _file("dokumen_ktp", "KTP-el pemohon", "ktp"),
        ],
        "menjalankan usaha {{ data.nama_usaha }} ({{ data.jenis_usaha }})",
        365,
    ),
}

# Only the body: the letterhead, title, number, signature block, validity and QR code
# are laid out around it by forms_builder/pdf.py.
TEMPLATE = (
    "<p>Camat {{{{ kecamatan }}}} menerangkan bahwa {{{{ applicant_name }}}} "
    "(NIK {{{{ data.nik_pemohon }}}}) {line}.</p>\n"
    "<p>Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.</p>"
)

# The states the demo applications of each kecamatan end in, one application each.
DEMO_STATES = (
    S.SUBMITTED,
    S.VERIFYING,
    S.RETURNED,
    S.PROCESSING,
    S.AWAITING_SIGNATURE,
    S.FINISHED,
    S.HANDED_OVER,
)


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF saying it is a demo document (valid structure, a few hundred bytes)."""
    text = f"Dokumen contoh PATEN (demo): {title}".encode("latin-1", "replace")
    stream = b"BT /F1 12 Tf 50 780 Td (" + text.replace(b"(", b"[").replace(b")", b"]") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# Forms ----------------------------------------------------------------------------------


def _form_create(service: ServicePage, intro: str, fields: list[DemoField]) -> ServiceForm:
    """A ServiceForm with ``fields``, validated like the admin does, then published."""
    service_form = ServiceForm(service=service, intro=intro)
    rows = [field.row(order) for order, field in enumerate(fields)]
    for row in rows:
        row.clean_name = row.key
        row.full_clean(exclude=["form", "page"])
    service_form.form_fields = rows
    service_form_validate(service_form=service_form)
    service_form.full_clean()
    service_form.save()
    service_form.save_revision().publish()
    # Publishing snapshots the version (the ``published`` signal); this raises if it did
    # not, and returns the same version otherwise.
    form_version_publish(service_form=ServiceForm.objects.get(pk=service_form.pk))
    return service_form


def _issuance(service: ServicePage, line: str, validity_days: int | None) -> bool:
    if IssuanceSettings.objects.filter(service=service).exists():
        return False
    settings = IssuanceSettings(
        service=service,
        number_pattern=NUMBER_PATTERN,
        template=TEMPLATE.format(line=line),
        validity_days=validity_days,
    )
    settings.full_clean()
    settings.save()
    return True


# Applications ---------------------------------------------------------------------------


def _staff(slug: str) -> dict:
    User = get_user_model()
    names = {role: f"{role}.{slug}" for role in ("loket", "backoffice", "camat")}
    users = {u.username: u for u in User.objects.filter(username__in=names.values())}
    missing = sorted(set(names.values()) - set(users))
    if missing:
        raise RuntimeError(f"forms_demo_load: create the demo staff first (missing {missing})")
    return {role: users[username] for role, username in names.items()}


def _walk(application: Application, *, until: str, staff: dict) -> Application:
    """Move a new application along the workflow to ``until`` with the right staff."""

    def move(target, actor, note=""):
        return application_transition(
            application=application, to_state=target, actor=actor, note=note
        )

    if until == S.SUBMITTED:
        return application
    application = move(S.VERIFYING, staff["loket"])
    if until == S.VERIFYING:
        return application
    if until == S.RETURNED:
        return move(
            S.RETURNED,
            staff["loket"],
            "Pindaian dokumen kurang jelas; mohon unggah ulang atau bawa aslinya ke loket.",
        )
    application = move(S.PROCESSING, staff["loket"])
    if until == S.PROCESSING:
        return application
    steps = list(application.service.procedure_steps.all())
    while application.state == S.PROCESSING:
        last = is_last_back_office_step(steps, application.current_step)
        application = move(S.AWAITING_SIGNATURE if last else S.PROCESSING, staff["backoffice"])
    if until == S.AWAITING_SIGNATURE:
        return application
    application = move(S.FINISHED, staff["camat"])
    if until == S.FINISHED:
        return application
    return move(S.HANDED_OVER, staff["loket"])


def _answers(fields: list[DemoField], person: DemoPerson) -> tuple[dict, dict]:
    data, files = {}, {}
    for field in fields:
        if field.field_type == FieldType.FILE:
            if field.condition and not person.by_proxy:
                continue
            files[field.key] = SimpleUploadedFile(
                f"{field.key}.pdf", _demo_pdf(field.label), content_type="application/pdf"
            )
            continue
        value = field.sample(person) if field.sample else ""
        if value not in ("", None):
            data[field.key] = str(value)
    return data, files


def _application_create(
    *, service: ServicePage, person: DemoPerson, until: str, staff: dict
) -> Application:
    fields = FORMS[service.code][1]
    data, files = _answers(fields, person)
    at_counter = person.n % 2 == 1
    document_keys = [f.document for f in fields if f.document]
    application = application_submit(
        service=service,
        kecamatan=person.kecamatan,
        form_data=data,
        files=files,
        applicant=Applicant(name=person.name, phone=person.phone, email=person.email),
        channel=Channel.COUNTER if at_counter else Channel.ONLINE,
        actor=staff["loket"] if at_counter else None,
        originals_checked=document_keys[:1] if at_counter else (),
    )
    return _walk(application, until=until, staff=staff)


def _applications(services: list[ServicePage]) -> int:
    created = 0
    n = 0
    for code, slug in DEMO_KECAMATAN.items():
        kecamatan = Region.objects.get(code=code)
        desa = list(
            Region.objects.filter(
                level=RegionLevel.DESA_KELURAHAN, code__startswith=f"{code}."
            ).values_list("code", flat=True)
        )
        offered = [s for s in services if code in {r.code for r in kecamatan_offering(s)}]
        if not desa or not offered:
            continue
        staff = _staff(slug)
        for index, until in enumerate(DEMO_STATES):
            n += 1
            person = DemoPerson(n=n, kecamatan=kecamatan, desa_code=desa[index % len(desa)])
            if Application.objects.filter(applicant_email=person.email).exists():
                continue  # idempotency: this demo application was made by an earlier run
            service = offered[(index + n // len(DEMO_STATES)) % len(offered)]
            with transaction.atomic():
                _application_create(service=service, person=person, until=until, staff=staff)
            created += 1
    return created


@transaction.atomic
def forms_demo_load() -> dict[str, int]:
    """Create the demo forms, issuance settings and applications if missing.

    Returns how many of each were created (all zero on a rerun).
    """
    forms_created = issuance_created = 0
    services = []
    for code, (intro, fields, line, validity_days) in FORMS.items():
        service = ServicePage.objects.filter(code=code).first()
        if service is None:
            raise RuntimeError(f"forms_demo_load: load the demo catalog first (no {code!r})")
        services.append(service)
        if not ServiceForm.objects.filter(service=service).exists():
            _form_create(service, intro, fields)
            forms_created += 1
        issuance_created += _issuance(service, line, validity_days)
    # Demo applicants have made-up addresses: tell nobody about these transitions.
    with notifications_paused():
        applications_created = _applications(services)
    return {
        "forms_created": forms_created,
        "issuance_settings_created": issuance_created,
        "applications_created": applications_created,
        "demo_applications": Application.objects.filter(
            applicant_email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
        ).count(),
    }
