"""The PPID's report kinds, run by the reporting workers (``reporting.reports``):

- **Buku register permohonan informasi**: every request received in the period, with its
  decision, deadline and whether the written notice went out on time;
- **Register keberatan**: every objection received in the period, with the minimum columns
  of the register (``docs/domain/ppid.md``);
- **Laporan layanan informasi publik**: the annual (or semester) report with the minimum
  contents of the Komisi Informasi standard as mirrored in Ombudsman Perban 46/2020
  Pasal 31 (``docs/domain/ppid.md``): the computed parts from the records and the
  narrative parts the PPID writes in the admin (``ReportNarrative``).

Scope: a run of a kecamatan covers that kecamatan's requests; a pemda-wide run covers all.
Personal data (requester's name, NIK, address, contact; a representative's name) is
masked in the registers unless the requester of the run holds
``ppid.view_personal_data`` and asked for it (``parameters["personal_data"]``), as for
the other exports. Each build checks that the requester may see PPID registers at all.
"""

from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from forms_builder.resources import mask_email, mask_name, mask_number, mask_phone
from paten import dates
from paten.audit.services import audit_record
from paten.tabular import Sheet

from . import permissions
from .constants import ReportPeriod, RequestState
from .models import Objection, PpidSettings, ReportNarrative
from .selectors import (
    objections_received,
    ppid_statistics,
    requests_received,
)

MASK = "••••"
#: The annual report is due three months after the budget year (Ombudsman Perban
#: 46/2020 Pasal 31, following the Komisi Informasi standard; docs/domain/ppid.md).
ANNUAL_REPORT_DUE = (3, 31)


class ReportRefused(ValueError):
    """A PPID report the requester may not have; the message is shown to staff."""


def run_unmasked(run) -> bool:
    """Whether to unmask a run's personal data; refuses (``ReportRefused``) a requester
    who may not see PPID registers at all."""
    user = run.requested_by
    if user is not None and not permissions.may_view_register(user):
        raise ReportRefused(_("This report is for PPID staff and the atasan PPID."))
    wants = bool((run.parameters or {}).get("personal_data"))
    unmasked = bool(user is not None and wants and permissions.may_see_personal_data(user))
    if unmasked:
        # An unmasked register is a read of the requesters' personal data: recorded.
        audit_record(
            actor=user,
            action="ppid.personal_data_read",
            target=run,
            kecamatan=run.kecamatan_id,
            payload={
                "laporan": run.kind,
                "mulai": run.parameters.get("start"),
                "sampai": run.parameters.get("end"),
            },
        )
    return unmasked


def run_scope_label(run) -> str:
    if run.kecamatan_id:
        return f"PPID Kecamatan {run.kecamatan.name}"
    return PpidSettings.load().utama_unit


def _yes_no(value) -> str:
    if value is None:
        return ""
    return "Ya" if value else "Tidak"


REQUEST_HEADER = (
    "No.",
    "Nomor registrasi",
    "Tanggal diterima",
    "Saluran",
    "Nama pemohon",
    "NIK",
    "Alamat",
    "Telepon",
    "Surel",
    "Pekerjaan",
    "Informasi yang diminta",
    "Tujuan penggunaan",
    "Cara memperoleh",
    "Cara mendapatkan salinan",
    "Unit",
    "Status",
    "Batas pemberitahuan",
    "Perpanjangan (hari kerja)",
    "Alasan perpanjangan",
    "Tanggal pemberitahuan tertulis",
    "Tepat waktu",
    "Dasar pengecualian",
    "Bagian yang dikecualikan",
    "Keberatan",
)


def request_register_sheet(*, start: date, end: date, kecamatan: str | None, unmasked: bool):
    """The buku register permohonan as a sheet of ``reporting.reports`` (rows streamed)."""
    utama = PpidSettings.load().utama_unit
    queryset = (
        requests_received(start=start, end=end, kecamatan=kecamatan)
        .select_related("kecamatan", "exception_ground")
        .order_by("received_at")
    )

    def rows():
        for index, item in enumerate(queryset.prefetch_related("objections").iterator(500), 1):
            yield (
                index,
                item.registration_number,
                dates.long_datetime(item.received_at),
                item.get_channel_display(),
                item.requester_name if unmasked else mask_name(item.requester_name),
                item.requester_nik if unmasked else mask_number(item.requester_nik),
                item.requester_address if unmasked else MASK,
                item.requester_phone if unmasked else mask_phone(item.requester_phone),
                item.requester_email if unmasked else mask_email(item.requester_email),
                item.requester_occupation,
                item.information_requested,
                item.purpose,
                item.get_obtain_method_display(),
                item.get_delivery_method_display(),
                item.kecamatan.name if item.kecamatan_id else utama,
                item.get_state_display(),
                dates.long_datetime(item.due_at),
                item.extension_days or "",
                item.extension_reason,
                dates.long_datetime(item.decided_at) if item.decided_at else "",
                _yes_no(item.answered_on_time),
                str(item.exception_ground) if item.exception_ground_id else "",
                item.withheld_note,
                ", ".join(o.registration_number for o in item.objections.all()),
            )

    return Sheet(
        title="Register permohonan",
        header=REQUEST_HEADER,
        rows=rows,
        row_count=queryset.count(),
        widths=(
            5,
            22,
            22,
            14,
            22,
            20,
            24,
            16,
            22,
            16,
            40,
            30,
            22,
            22,
            20,
            20,
            22,
            10,
            30,
            22,
            10,
            30,
            30,
            18,
        ),
    )


OBJECTION_HEADER = (
    "No.",
    "Nomor registrasi keberatan",
    "Tanggal diterima",
    "Nama pemohon",
    "NIK",
    "Alamat",
    "Kuasa",
    "Nomor pendaftaran permohonan",
    "Informasi yang diminta",
    "Tujuan penggunaan",
    "Alasan keberatan (UU 14/2008 Pasal 35)",
    "Uraian keberatan",
    "Batas tanggapan",
    "Keputusan atasan PPID",
    "Hari/tanggal tanggapan",
    "Tepat waktu",
    "Nama dan jabatan atasan PPID",
    "Tanggapan pemohon",
    "Sengketa ke Komisi Informasi",
)


def objection_register_sheet(*, start: date, end: date, kecamatan: str | None, unmasked: bool):
    queryset = (
        objections_received(start=start, end=end, kecamatan=kecamatan)
        .select_related("request", "dispute")
        .order_by("received_at")
    )

    def rows():
        with translation.override(settings.LANGUAGE_CODE):
            for index, objection in enumerate(queryset.iterator(500), 1):
                item = objection.request
                dispute = getattr(objection, "dispute", None)
                yield (
                    index,
                    objection.registration_number,
                    dates.long_datetime(objection.received_at),
                    item.requester_name if unmasked else mask_name(item.requester_name),
                    item.requester_nik if unmasked else mask_number(item.requester_nik),
                    item.requester_address if unmasked else MASK,
                    objection.proxy_name if unmasked else mask_name(objection.proxy_name),
                    item.registration_number,
                    item.information_requested,
                    item.purpose,
                    objection.get_ground_display(),
                    objection.reasons,
                    dates.long_datetime(objection.due_at),
                    objection.get_decision_display() if objection.decision else "",
                    dates.long_datetime(objection.answered_at) if objection.answered_at else "",
                    _yes_no(
                        objection.answered_at <= objection.due_at if objection.answered_at else None
                    ),
                    f"{objection.answerer_name}, {objection.answerer_position}".strip(", "),
                    objection.get_requester_response_display()
                    if objection.requester_response
                    else "",
                    (
                        f"{dispute.case_number} {dispute.get_stage_display()}: "
                        f"{dispute.get_outcome_display()}"
                    ).strip()
                    if dispute
                    else "",
                )

    return Sheet(
        title="Register keberatan",
        header=OBJECTION_HEADER,
        rows=rows,
        row_count=queryset.count(),
        widths=(5, 24, 22, 22, 20, 24, 20, 22, 40, 30, 40, 40, 22, 30, 22, 10, 30, 24, 30),
    )


def narrative_period(start: date, end: date) -> str:
    """Which narrative a period's report uses: the semester it is, else the year."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 6, 30):
        return ReportPeriod.SEMESTER_1
    if (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
        return ReportPeriod.SEMESTER_2
    return ReportPeriod.YEAR


def annual_report_data(*, start: date, end: date, kecamatan: str | None) -> dict:
    """Everything the laporan layanan informasi publik shows, computed and written."""
    stats = ppid_statistics(start=start, end=end, kecamatan=kecamatan)
    period = narrative_period(start, end)
    narrative = ReportNarrative.objects.filter(
        year=start.year, period=period, kecamatan_id=kecamatan if kecamatan else None
    ).first()
    due = date(end.year + 1, *ANNUAL_REPORT_DUE) if period == ReportPeriod.YEAR else None
    return {"stats": stats, "narrative": narrative, "period": period, "due": due}


def annual_report_sheets(data: dict) -> list:
    stats = data["stats"]
    narrative = data["narrative"]
    with translation.override(settings.LANGUAGE_CODE):
        states = [(str(RequestState(s).label), n) for s, n in stats.by_state.items()]
        objections = [
            (Objection(decision=d).get_decision_display() or "Belum ditanggapi", n)
            for d, n in stats.objections_by_decision.items()
        ]
    summary = [
        ("Permohonan diterima", stats.received),
        ("Pemberitahuan tertulis dikirim", stats.decided),
        ("Pemberitahuan tepat waktu", stats.on_time),
        (
            "Persentase tepat waktu",
            "" if stats.on_time_percent is None else f"{stats.on_time_percent} %",
        ),
        ("Keberatan", stats.objections),
        ("Keberatan ditanggapi tepat waktu", stats.objections_answered_on_time),
        ("Sengketa ke Komisi Informasi", stats.disputes),
    ]
    narrative_rows = []
    if narrative is not None:
        for field in (
            "policy",
            "facilities",
            "human_resources",
            "budget",
            "objection_follow_up",
            "external_obstacles",
            "internal_obstacles",
            "recommendations",
        ):
            with translation.override(settings.LANGUAGE_CODE):
                label = str(ReportNarrative._meta.get_field(field).verbose_name)
            narrative_rows.append((label.capitalize(), getattr(narrative, field)))

    def fixed(rows):
        return lambda: iter(rows)

    return [
        Sheet("Ringkasan", ("Uraian", "Jumlah"), fixed(summary), len(summary), (40, 14)),
        Sheet("Per bulan", ("Bulan", "Permohonan"), fixed(stats.by_month), None, (16, 12)),
        Sheet("Keputusan", ("Keputusan", "Jumlah"), fixed(states), None, (30, 12)),
        Sheet(
            "Waktu layanan",
            ("Waktu sampai pemberitahuan tertulis", "Permohonan"),
            fixed(stats.time_classes),
            None,
            (40, 12),
        ),
        Sheet(
            "Penolakan per alasan",
            ("Dasar pengecualian", "Jumlah"),
            fixed(stats.refused_by_ground),
            None,
            (40, 12),
        ),
        Sheet(
            "Per unit",
            ("Unit", "Diterima", "Diputus", "Tepat waktu", "Dikabulkan", "Ditolak"),
            fixed(
                [
                    (
                        u["name"],
                        u["received"],
                        u["decided"],
                        u["on_time"],
                        u["granted"],
                        u["refused"],
                    )
                    for u in stats.by_unit
                ]
            ),
            None,
            (30, 10, 10, 12, 12, 10),
        ),
        Sheet("Keberatan", ("Keputusan atasan PPID", "Jumlah"), fixed(objections), None, (40, 12)),
        Sheet("Narasi", ("Bagian", "Isi"), fixed(narrative_rows), None, (36, 100)),
    ]
