"""The SKM/IKM report kind: the processing sheet, unsur, profile, sample and follow-up,
and the suggestions only when asked for."""

from decimal import Decimal

import pytest

from reporting.models import (
    FollowUpPlan,
    ReportKind,
    SurveySettings,
)
from reporting.reports.kinds.ikm import build_ikm_report
from reporting.survey.constants import SurveyChannel
from reporting.survey.ikm import UNSUR_KEYS, display_ikm, display_nrr, ikm_compute_template_0111
from reporting.survey.selectors import Slice, ikm_for, respondent_profile
from reporting.survey.services import survey_response_submit
from tests.reporting.factories import UTARA, all_answers, finished_application
from tests.reporting.reports.factories import (
    SECRET_SUGGESTION,
    Progress,
    as_dicts,
    make_run,
    pdf_html,
    pdf_text,
    period_of,
    sheet_rows,
    xlsx_sheets,
    xlsx_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def responses(service, utara, selatan, staff, staff_selatan, quarter):
    """Three respondents in Bontang Utara and one in Bontang Selatan (answered today).

    Utara:  r1 all 4 · r2 all 3 · r3 all 2 except prosedur 1 and sarana 4
    Σ per unsur 9, except prosedur 8 and sarana 11; IKM = (7·3 + 8/3 + 11/3) / 9 × 25
    = 82/27 × 25 = 75,93 → mutu C (65,00–76,60), "Kurang baik".
    """
    first = finished_application(service, utara, staff)
    second = finished_application(service, utara, staff)
    finished_application(service, selatan, staff_selatan)
    survey_response_submit(
        answers=all_answers(4),
        channel=SurveyChannel.TRACKING,
        application=first,
        profile={"gender": "P", "age": 34, "education": "s1", "occupation": "pns"},
        suggestion=SECRET_SUGGESTION,
    )
    survey_response_submit(
        answers=all_answers(3),
        channel=SurveyChannel.TRACKING,
        application=second,
        profile={"gender": "L", "age": 52, "education": "sma", "occupation": "swasta"},
        suggestion="=1+1",
    )
    survey_response_submit(
        answers=all_answers(2, prosedur=1, sarana=4),
        channel=SurveyChannel.PAPER,
        kecamatan=utara,
        service=service,
        entered_by=staff["loket"],
    )
    survey_response_submit(
        answers=all_answers(1),
        channel=SurveyChannel.PAPER,
        kecamatan=selatan,
        entered_by=staff_selatan["loket"],
    )
    return {"first": first, "second": second}


def footer(rows: list[list], label_start: str) -> list:
    return next(row for row in rows if row and str(row[0]).startswith(label_start))


class TestIkm:
    def test_processing_sheet_by_hand(self, responses, utara, quarter):
        progress = Progress()
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=progress
        )
        sheet = data.sheets[0]
        assert sheet.title == "Pengolahan data"
        assert list(sheet.header) == ["No. responden"] + [f"U{n}" for n in range(1, 10)]
        rows = sheet_rows(data, "Pengolahan data")
        assert rows[:3] == [
            [1, 4, 4, 4, 4, 4, 4, 4, 4, 4],
            [2, 3, 3, 3, 3, 3, 3, 3, 3, 3],
            # U8 is sarana (4), U9 pengaduan (2): the questionnaire order.
            [3, 2, 1, 2, 2, 2, 2, 2, 4, 2],
        ]
        assert footer(rows, "Σ nilai")[1:] == [9, 8, 9, 9, 9, 9, 9, 11, 9]
        nrr = [Decimal("3.000")] * 9
        nrr[1], nrr[7] = Decimal("2.667"), Decimal("3.667")
        assert footer(rows, "NRR per unsur")[1:] == nrr
        assert footer(rows, "NRR tertimbang")[1:3] == [Decimal("0.3333"), Decimal("0.2963")]
        assert footer(rows, "Σ NRR tertimbang")[1] == Decimal("3.0370")  # 82/27
        assert footer(rows, "IKM unit pelayanan")[1:] == [Decimal("75.93"), "Mutu C", "Kurang baik"]
        assert not any(row and "0,111" in str(row[0]) for row in rows)
        assert sheet.row_count == len(rows)
        assert progress.percents and max(progress.percents) <= 30

    @pytest.mark.parametrize("scoped", [True, False])
    def test_figures_equal_the_selector(self, responses, utara, quarter, scoped):
        kecamatan = utara if scoped else None
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=kecamatan),
            progress=Progress(),
        )
        figure = ikm_for(
            Slice(start=quarter.start_date, end=quarter.end_date, kecamatan=kecamatan and UTARA)
        )
        result = figure.result
        rows = sheet_rows(data, "Pengolahan data")
        assert len([r for r in rows if r and isinstance(r[0], int)]) == figure.respondents
        assert footer(rows, "Σ nilai")[1:] == [u.total for u in result.unsur]
        assert footer(rows, "NRR per unsur")[1:] == [display_nrr(u.nrr) for u in result.unsur]
        assert footer(rows, "Σ NRR tertimbang")[1] == display_nrr(result.ikm, 4)
        assert footer(rows, "IKM unit pelayanan")[1] == display_ikm(result.ikm_converted)
        unsur = as_dicts(data, "Nilai per unsur")
        assert [r["NRR"] for r in unsur[:9]] == [display_nrr(u.nrr) for u in result.unsur]
        assert unsur[9]["Nilai konversi (NRR × 25)"] == display_ikm(result.ikm_converted)
        sample = sheet_rows(data, "Kecukupan sampel")[0]
        assert sample[1:6] == [
            figure.population,
            figure.min_sample,
            figure.respondents,
            "Ya" if figure.adequate else "Tidak",
            figure.shortfall,
        ]
        assert sample[6] == display_ikm(result.ikm_converted)

    def test_unsur_sheet_flags_weak_unsur_and_ranks_lowest_first(self, responses, utara, quarter):
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        rows = {row["U"]: row for row in as_dicts(data, "Nilai per unsur") if row["U"]}
        assert list(rows) == [f"U{n}" for n in range(1, 10)]
        prosedur, persyaratan, sarana = rows["U2"], rows["U1"], rows["U8"]
        assert prosedur["Unsur"] == "Sistem, Mekanisme, dan Prosedur"
        assert (prosedur["Nilai konversi (NRR × 25)"], prosedur["Mutu"]) == (Decimal("66.67"), "C")
        assert (prosedur["Perlu perbaikan"], prosedur["Peringkat (1 = terendah)"]) == ("Ya", 1)
        # Seven unsur share NRR 3,000 (75,00 → C): one shared rank after prosedur.
        assert (persyaratan["Mutu"], persyaratan["Peringkat (1 = terendah)"]) == ("C", 2)
        assert sum(1 for r in rows.values() if r["Peringkat (1 = terendah)"] == 2) == 7
        assert sarana["Unsur"] == "Sarana dan Prasarana"
        assert (sarana["Mutu"], sarana["Perlu perbaikan"], sarana["Peringkat (1 = terendah)"]) == (
            "A",
            "Tidak",
            9,
        )

    def test_profile_sample_and_channels(self, responses, utara, quarter):
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        expected = respondent_profile(
            Slice(start=quarter.start_date, end=quarter.end_date, kecamatan=UTARA)
        )
        profile = sheet_rows(data, "Profil responden")
        gender = [row[1:3] for row in profile if row[0] == "Jenis kelamin"]
        assert gender == [list(pair) for pair in expected["gender"]]
        assert [row[2] for row in profile if row[0] == "Jenis kelamin"] == [1, 1, 1]
        assert {row[3] for row in profile if row[0] == "Jenis kelamin"} == {33.3}
        ages = {row[1]: row[2] for row in profile if row[0] == "Usia"}
        assert (ages["31–40"], ages["51–60"], ages["20–30"]) == (1, 1, 0)
        sample = sheet_rows(data, "Kecukupan sampel")
        # Two applications finished in Utara: Krejcie–Morgan asks for both; 3 answered.
        assert sample[0] == ["Kecamatan Bontang Utara", 2, 2, 3, "Ya", 0, Decimal("75.93"), "C"]
        assert sample[1][0] == "Layanan: Surat Keterangan Domisili"
        channels = {row[0]: row[3] for row in sample[sample.index([]) + 2 :]}
        assert channels == {
            str(SurveyChannel.PAPER.label): 1,
            str(SurveyChannel.TRACKING.label): 2,
        }

    def test_template_variant_only_when_the_setting_is_on(self, responses, utara, quarter):
        settings_row = SurveySettings.load()
        settings_row.report_template_0111 = True
        settings_row.save()
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        rows = sheet_rows(data, "Pengolahan data")
        assert any(row and "VARIAN TEMPLATE bobot 0,111" in str(row[0]) for row in rows)
        sums = dict(zip(UNSUR_KEYS, [9, 8, 9, 9, 9, 9, 9, 11, 9], strict=True))
        variant = ikm_compute_template_0111(sums, 3)
        assert footer(rows, "IKM unit pelayanan, varian 0,111")[1:3] == [
            display_ikm(variant.ikm_converted),
            f"Mutu {variant.mutu}",
        ]
        # The exact figure is still the one labelled as the IKM.
        assert footer(rows, "IKM unit pelayanan =")[1] == Decimal("75.93")
        assert "0,111" in pdf_html(data)

    def test_suggestions_only_when_requested(self, responses, utara, quarter):
        default = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        assert "Saran" not in [sheet.title for sheet in default.sheets]
        everything = str([sheet_rows(default, s.title) for s in default.sheets])
        assert SECRET_SUGGESTION not in everything
        assert SECRET_SUGGESTION not in pdf_html(default)

        asked = build_ikm_report(
            run=make_run(
                ReportKind.IKM, period_of(quarter), kecamatan=utara, include_suggestions=True
            ),
            progress=Progress(),
        )
        saran = sheet_rows(asked, "Saran")
        assert [row[4] for row in saran] == [SECRET_SUGGESTION, "=1+1"]
        assert saran[0][2:4] == ["Bontang Utara", "Surat Keterangan Domisili"]
        assert SECRET_SUGGESTION in pdf_html(asked)

    def test_follow_up_plans_of_the_period_and_scope(self, responses, utara, selatan, quarter):
        FollowUpPlan.objects.create(
            period=quarter, kecamatan=utara, unsur="prosedur", action="Sederhanakan alur loket"
        )
        FollowUpPlan.objects.create(
            period=quarter, kecamatan=selatan, unsur="waktu", action="Tambah petugas Selatan"
        )
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        plans = as_dicts(data, "Rencana tindak lanjut")
        assert [(p["Kecamatan"], p["Rencana tindakan"]) for p in plans] == [
            ("Bontang Utara", "Sederhanakan alur loket")
        ]
        assert plans[0]["Periode survei"] == str(quarter)
        html = pdf_html(data)
        assert "Sederhanakan alur loket" in html
        assert "Tambah petugas Selatan" not in html
        pemda = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter)), progress=Progress()
        )
        assert len(as_dicts(pemda, "Rencana tindak lanjut")) == 2

    def test_rows_written_later_match_the_figures(self, responses, utara, quarter):
        """A response recorded between collecting and writing is left out of both."""
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        survey_response_submit(answers=all_answers(1), channel=SurveyChannel.PAPER, kecamatan=utara)
        rows = sheet_rows(data, "Pengolahan data")
        assert [row[0] for row in rows if row and isinstance(row[0], int)] == [1, 2, 3]
        assert footer(rows, "Σ nilai")[1] == 9

    def test_no_respondents(self, bontang, utara, quarter):
        data = build_ikm_report(
            run=make_run(ReportKind.IKM, period_of(quarter), kecamatan=utara), progress=Progress()
        )
        rows = sheet_rows(data, "Pengolahan data")
        assert rows[-1] == ["Belum ada responden pada periode ini."]
        assert sheet_rows(data, "Nilai per unsur") == []
        assert "PermenPAN-RB" in pdf_html(data)

    def test_end_to_end(self, admin_pemda, responses, utara, quarter, requested_run):
        run = requested_run(
            admin_pemda,
            ReportKind.IKM,
            quarter,
            kecamatan=UTARA,
            options={"include_suggestions": True},
        )
        assert run.kecamatan_id == UTARA
        sheets = xlsx_sheets(run)
        assert list(sheets) == [
            "Pengolahan data",
            "Nilai per unsur",
            "Profil responden",
            "Kecukupan sampel",
            "Rencana tindak lanjut",
            "Saran",
        ]
        ikm_row = footer([list(r) for r in sheets["Pengolahan data"]], "IKM unit pelayanan")
        assert ikm_row[1:4] == [75.93, "Mutu C", "Kurang baik"]
        assert sheets["Pengolahan data"][3][1:] == (2, 1, 2, 2, 2, 2, 2, 4, 2)
        # A suggestion that looks like a formula stays text.
        assert [row[4] for row in sheets["Saran"][1:]] == [SECRET_SUGGESTION, "'=1+1"]
        text = xlsx_text(run)
        for secret in ("Siti Rahmawati", "siti@example.id"):
            assert secret not in text  # the applicants of the surveyed applications
        pdf = pdf_text(run)
        assert "PermenPAN-RB No. 14 Tahun 2017" in pdf
        assert "75,93" in pdf

    def test_default_pdf_has_no_suggestions(
        self, admin_pemda, responses, utara, quarter, requested_run
    ):
        run = requested_run(admin_pemda, ReportKind.IKM, quarter, kecamatan=UTARA)
        assert "Saran" not in xlsx_sheets(run)
        assert SECRET_SUGGESTION not in xlsx_text(run)
        pdf = pdf_text(run)
        assert "Siti Rahmawati" not in pdf
        assert "081299998888" not in pdf
