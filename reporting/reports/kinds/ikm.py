"""Laporan SKM/IKM of a period, in the shape of PermenPAN-RB 14/2017 (docs/domain/skm-ikm.md).

Sheets:

- "Pengolahan data": the processing sheet, one row per respondent with the answers
  U1…U9 in questionnaire order (U8 = sarana, U9 = pengaduan; docs/domain/skm-ikm.md, the nine unsur), then the
  footer rows Σ nilai, NRR, NRR tertimbang per unsur, Σ NRR tertimbang (IKM 1–4) and
  IKM unit pelayanan (× 25) with mutu and kinerja; when ``SurveySettings``
  asks for it, the labelled 0,111 template variant below.
- "Nilai per unsur": NRR, converted value, mutu, weak flag and rank (1 = lowest).
- "Profil responden", "Kecukupan sampel" (Krejcie–Morgan, per kecamatan and service,
  and the channels), "Rencana tindak lanjut" (plans of the survey periods lying
  within the report's dates).
- "Saran" only when the request set ``include_suggestions``: free text may carry
  personal data, so the default report leaves it out (the requesting view decides).

Every figure comes from ``reporting.survey.selectors`` (database aggregates) and the exact
arithmetic of ``reporting.survey.ikm``; only the displayed values are rounded
(``display_nrr``, ``display_ikm``). The respondent rows are streamed.
"""

from django.conf import settings
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.models import FollowUpPlan, ReportFormat, ReportKind, SurveyPeriod
from reporting.reports.kinds.common import run_period, scope_label
from reporting.reports.kinds.comparison import kabupaten_kecamatan
from reporting.reports.registry import ReportData, Sheet, register
from reporting.survey.charts import unsur_chart, unsur_rows
from reporting.survey.constants import ANSWER_FIELDS, SurveyChannel
from reporting.survey.ikm import (
    UNSUR,
    UNSUR_KEYS,
    IkmResult,
    display_ikm,
    display_nrr,
)
from reporting.survey.selectors import (
    Slice,
    ikm_by_kecamatan,
    ikm_by_service,
    ikm_for,
    respondent_profile,
    survey_responses,
)

UNSUR_HEADER = tuple(f"U{UNSUR[key].questionnaire_number}" for key in UNSUR_KEYS)
PROFILE_TITLES = (
    ("gender", "Jenis kelamin"),
    ("age", "Usia"),
    ("education", "Pendidikan"),
    ("occupation", "Pekerjaan"),
)
WHOLE_KABUPATEN = "Seluruh kabupaten/kota"


def _yes_no(value: bool) -> str:
    return "Ya" if value else "Tidak"


def unsur_ranks(result: IkmResult) -> dict[str, int]:
    """Rank per unsur key, 1 = lowest NRR; equal NRR share a rank (1, 2, 2, 4)."""
    values = [u.nrr for u in result.unsur]
    return {u.key: 1 + sum(1 for v in values if v < u.nrr) for u in result.unsur}


def processing_footer(result: IkmResult | None, template: IkmResult | None) -> list[list]:
    """Footer rows of the processing sheet (label in the first column, U1…U9 after it)."""
    if result is None:
        return [[], ["Belum ada responden pada periode ini."]]
    footer = [
        [],
        ["Σ nilai per unsur", *(u.total for u in result.unsur)],
        ["NRR per unsur", *(display_nrr(u.nrr) for u in result.unsur)],
        [
            "NRR tertimbang per unsur (bobot 1/9)",
            *(display_nrr(u.nrr_weighted, 4) for u in result.unsur),
        ],
        ["Σ NRR tertimbang = IKM (skala 1–4) (*)", display_nrr(result.ikm, 4)],
        [
            "IKM unit pelayanan = (*) × 25 (**)",
            display_ikm(result.ikm_converted),
            f"Mutu {result.mutu}",
            result.kinerja,
        ],
    ]
    if template is not None:
        footer += [
            [],
            ["VARIAN TEMPLATE bobot 0,111 (bukan perhitungan eksak; = 0,999 × IKM)"],
            [
                "NRR tertimbang per unsur (bobot 0,111)",
                *(display_nrr(u.nrr_weighted, 4) for u in template.unsur),
            ],
            ["Σ NRR tertimbang (bobot 0,111)", display_nrr(template.ikm, 4)],
            [
                "IKM unit pelayanan, varian 0,111",
                display_ikm(template.ikm_converted),
                f"Mutu {template.mutu}",
                template.kinerja,
            ],
        ]
    return footer


def unsur_table(result: IkmResult | None) -> list[dict]:
    if result is None:
        return []
    ranks = unsur_ranks(result)
    return [
        {
            "key": u.key,
            "number": f"U{u.unsur.questionnaire_number}",
            "name": u.unsur.name,
            "total": u.total,
            "nrr": display_nrr(u.nrr),
            "nrr_weighted": display_nrr(u.nrr_weighted, 4),
            "converted": display_ikm(u.converted),
            "mutu": str(u.mutu),
            "kinerja": u.mutu.kinerja,
            "weak": u.weak,
            "rank": ranks[u.key],
        }
        for u in result.unsur
    ]


UNSUR_COLUMNS = (
    ("number", "U"),
    ("name", "Unsur"),
    ("total", "Σ nilai"),
    ("nrr", "NRR"),
    ("nrr_weighted", "NRR tertimbang"),
    ("converted", "Nilai konversi (NRR × 25)"),
    ("mutu", "Mutu"),
    ("kinerja", "Kinerja"),
    ("weak", "Perlu perbaikan"),
    ("rank", "Peringkat (1 = terendah)"),
)


def _unsur_sheet_rows(table: list[dict], result: IkmResult | None) -> list[list]:
    rows = [
        [_yes_no(r[key]) if key == "weak" else r[key] for key, _t in UNSUR_COLUMNS] for r in table
    ]
    if result is not None:
        rows.append(
            [
                "",
                "IKM unit pelayanan",
                "",
                display_nrr(result.ikm, 4),
                "",
                display_ikm(result.ikm_converted),
                str(result.mutu),
                result.kinerja,
                "",
                "",
            ]
        )
    return rows


def _sample_row(label: str, figure) -> list:
    return [
        label,
        figure.population,
        figure.min_sample,
        figure.respondents,
        _yes_no(figure.adequate),
        figure.shortfall,
        display_ikm(figure.result.ikm_converted) if figure.result else None,
        str(figure.result.mutu) if figure.result else None,
    ]


SAMPLE_HEADER = (
    "Cakupan",
    "Populasi (permohonan selesai)",
    "Sampel minimum (Krejcie–Morgan)",
    "Responden",
    "Sampel memadai",
    "Kekurangan responden",
    "IKM (25–100)",
    "Mutu",
)


def follow_up_rows(run, start, end) -> list[dict]:
    """Plans of the survey periods lying within the report's dates, in the run's scope."""
    periods = SurveyPeriod.objects.filter(start_date__gte=start, end_date__lte=end)
    plans = FollowUpPlan.objects.filter(period__in=periods)
    if run.kecamatan_id:
        plans = plans.filter(kecamatan_id=run.kecamatan_id)
    rows = []
    for plan in plans.select_related("period", "kecamatan").order_by(
        "period__start_date", "kecamatan__name", "unsur", "id"
    ):
        rows.append(
            {
                "period": str(plan.period),
                "kecamatan": plan.kecamatan.name if plan.kecamatan_id else WHOLE_KABUPATEN,
                "unsur": plan.get_unsur_display(),
                "action": plan.action,
                "responsible": plan.responsible,
                "target_date": plan.target_date,
                "status": plan.get_status_display(),
            }
        )
    return rows


FOLLOW_UP_COLUMNS = (
    ("period", "Periode survei"),
    ("kecamatan", "Kecamatan"),
    ("unsur", "Unsur"),
    ("action", "Rencana tindakan"),
    ("responsible", "Penanggung jawab"),
    ("target_date", "Target"),
    ("status", "Status"),
)


@register(ReportKind.IKM, formats=(ReportFormat.XLSX, ReportFormat.PDF))
def build_ikm_report(*, run, progress) -> ReportData:
    start, end = run_period(run)
    slice_ = Slice(start=start, end=end, kecamatan=run.kecamatan_id)
    progress(3, _("Computing the IKM"))
    # Rows are streamed later, when each file is written: stop at the last response
    # that existed when the figures were computed, so rows and footer stay in step.
    last_id = survey_responses(slice_).aggregate(last=Max("id"))["last"] or 0
    figure = ikm_for(slice_)  # the 0,111 variant only when SurveySettings asks for it
    result, template = figure.result, figure.template_result
    responses = survey_responses(slice_).filter(id__lte=last_id)
    channel_labels = dict(SurveyChannel.choices)
    channels = [
        (str(channel_labels.get(row["channel"], row["channel"])), row["n"])
        for row in responses.values("channel").annotate(n=Count("id")).order_by("channel")
    ]
    progress(10, _("Computing per service and kecamatan"))
    by_service = ikm_by_service(slice_, with_template=False)
    by_kecamatan = (
        []
        if run.kecamatan_id
        else ikm_by_kecamatan(slice_, kecamatan_codes=kabupaten_kecamatan(), with_template=False)
    )
    progress(18, _("Respondent profile"))
    profile = respondent_profile(slice_)
    plans = follow_up_rows(run, start, end)
    include_suggestions = bool(run.parameters.get("include_suggestions"))
    suggestions = responses.exclude(suggestion="")
    suggestion_count = suggestions.count() if include_suggestions else 0
    progress(30, _("Data collected"))

    table = unsur_table(result)
    fields = [ANSWER_FIELDS[key] for key in UNSUR_KEYS]
    footer = processing_footer(result, template)

    def processing_rows():
        answers = responses.order_by("answered_on", "id").values_list(*fields)
        for number, row in enumerate(answers.iterator(chunk_size=2000), start=1):
            yield [number, *row]
        yield from footer

    profile_rows = []
    for key, title in PROFILE_TITLES:
        for label, count in profile[key]:
            share = round(100 * count / figure.respondents, 1) if figure.respondents else None
            profile_rows.append([title, label, count, share])

    scope = scope_label(run)
    sample_rows = [_sample_row(scope, figure)]
    sample_rows += [_sample_row(f"Kecamatan {s.label}", s) for s in by_kecamatan]
    sample_rows += [_sample_row(f"Layanan: {s.label}", s) for s in by_service]
    sample_rows += [[], ["Saluran pengisian", "", "", "Responden"]]
    sample_rows += [[label, "", "", count] for label, count in channels]

    sheets = [
        Sheet(
            title="Pengolahan data",
            header=["No. responden", *UNSUR_HEADER],
            rows=processing_rows,
            row_count=figure.respondents + len(footer),
            widths=(40,) + (8,) * len(UNSUR_HEADER),
        ),
        Sheet(
            title="Nilai per unsur",
            header=[title for _k, title in UNSUR_COLUMNS],
            rows=lambda: _unsur_sheet_rows(table, result),
            row_count=len(table) + 1,
            widths=(5, 42, 10, 10, 14, 16, 8, 14, 14, 14),
        ),
        Sheet(
            title="Profil responden",
            header=["Karakteristik", "Kategori", "Jumlah", "%"],
            rows=lambda: profile_rows,
            row_count=len(profile_rows),
            widths=(18, 36, 10, 8),
        ),
        Sheet(
            title="Kecukupan sampel",
            header=SAMPLE_HEADER,
            rows=lambda: sample_rows,
            row_count=len(sample_rows),
            widths=(44, 16, 18, 12, 10, 12, 12, 8),
        ),
        Sheet(
            title="Rencana tindak lanjut",
            header=[title for _k, title in FOLLOW_UP_COLUMNS],
            rows=lambda: [[p[key] for key, _t in FOLLOW_UP_COLUMNS] for p in plans],
            row_count=len(plans),
            widths=(18, 22, 36, 60, 24, 12, 12),
        ),
    ]

    def suggestion_rows():
        values = suggestions.order_by("answered_on", "id").values_list(
            "answered_on", "kecamatan__name", "service__title", "suggestion"
        )
        for number, (day, kecamatan, service, text) in enumerate(
            values.iterator(chunk_size=2000), start=1
        ):
            yield [number, day, kecamatan, service or "", text]

    if include_suggestions:
        sheets.append(
            Sheet(
                title="Saran",
                header=["No.", "Tanggal survei", "Kecamatan", "Layanan", "Saran"],
                rows=suggestion_rows,
                row_count=suggestion_count,
                widths=(6, 14, 22, 36, 80),
            )
        )

    lowest = sorted(table, key=lambda r: r["rank"])
    return ReportData(
        title=str(ReportKind.IKM.label),
        scope_label=scope,
        start=start,
        end=end,
        sheets=sheets,
        pdf_template="reporting/reports/ikm_pdf.html",
        context={
            "figure": figure,
            "result": result,
            "template_result": template,
            "ikm": display_ikm(result.ikm_converted) if result else None,
            "ikm_1_4": display_nrr(result.ikm, 4) if result else None,
            "template_ikm": display_ikm(template.ikm_converted) if template else None,
            "unsur_rows": table,
            "weak_rows": [r for r in lowest if r["weak"]],
            "lowest_rows": [r for r in lowest if r["rank"] == 1],
            "chart": _unsur_chart(result),
            "channels": channels,
            "profile": [
                (title, [(label, count, share) for _t, label, count, share in group])
                for title, group in _grouped_profile(profile_rows)
            ],
            "sample_rows": sample_rows[: 1 + len(by_kecamatan) + len(by_service)],
            "plans": plans,
            "include_suggestions": include_suggestions,
            "suggestions": suggestion_rows,
        },
    )


def _unsur_chart(result: IkmResult | None):
    """The public page's unsur chart, in the installation's language (as the files)."""
    if result is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return unsur_chart(
            unsur_rows(result),
            title=_("Converted value per element"),
            chart_id="unsur",
            halo=False,
        )


def _grouped_profile(rows: list[list]):
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    return list(groups.items())
