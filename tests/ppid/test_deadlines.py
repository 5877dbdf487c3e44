"""The statutory deadlines on the 2026 working-day calendar (UU 14/2008 Pasal 22, 36, 37).

2026 around the dates used here (SKB 3 Menteri, ``holidays``): Mon 16 Feb cuti bersama,
Tue 17 Feb Tahun Baru Imlek; 18 and 20, 23, 24 Mar cuti bersama, 19 Mar Nyepi, 21–22 Mar
Idul Fitri; Fri 3 Apr Wafat Yesus Kristus.
"""

from datetime import date

from django.core.exceptions import ValidationError

import pytest

from paten.ppid import deadlines
from paten.ppid.constants import ObjectionGround, RequestState
from paten.ppid.models import PpidSettings
from paten.ppid.services import (
    ActionRefused,
    calendar_for,
    deadlines_recompute,
    objection_file,
    request_extend,
)
from paten.workdays.calendar import WorkingCalendar
from paten.workdays.models import CalendarOverride

from .factories import WIB, at


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar(tz=WIB, counter_closes_at="16:00")


class TestNoticeDeadline:
    def test_request_on_the_friday_before_cuti_bersama_skips_cuti_bersama_and_imlek(self, cal):
        due = deadlines.notice_due(cal, received_at=at(2026, 2, 13, 10), notice_days=10)
        # Day 1 is Wed 18 Feb (16 Feb cuti bersama, 17 Feb Imlek), day 10 is Tue 3 Mar.
        assert due == at(2026, 3, 3, 16, 0)
        assert cal.working_days_between(date(2026, 2, 13), due.date()) == 10

    def test_request_after_the_counter_closes_counts_from_the_next_working_day(self, cal):
        due = deadlines.notice_due(cal, received_at=at(2026, 2, 13, 17), notice_days=10)
        # Received on Wed 18 Feb (day 0): day 10 is Wed 4 Mar.
        assert due == at(2026, 3, 4, 16, 0)

    def test_request_on_a_saturday_counts_from_monday(self, cal):
        due = deadlines.notice_due(cal, received_at=at(2026, 1, 10, 9), notice_days=10)
        # Sat 10 Jan → day 0 Mon 12 Jan; 16 Jan is Isra Mikraj: day 10 is Tue 27 Jan.
        assert due == at(2026, 1, 27, 16, 0)

    def test_extension_of_seven_working_days_runs_on_from_the_first_deadline(self, cal):
        first = deadlines.notice_due(cal, received_at=at(2026, 2, 13, 10), notice_days=10)
        extended = deadlines.notice_due(
            cal, received_at=at(2026, 2, 13, 10), notice_days=10, extension_days=7
        )
        assert first == at(2026, 3, 3, 16, 0)
        # Mar 4, 5, 6, 9, 10, 11, 12: Thu 12 Mar.
        assert extended == at(2026, 3, 12, 16, 0)
        assert cal.working_days_between(first.date(), extended.date()) == 7

    def test_deadline_across_lebaran_skips_every_cuti_bersama(self, cal):
        due = deadlines.notice_due(cal, received_at=at(2026, 3, 6, 9), notice_days=10)
        # 9–13, 16, 17 Mar are days 1–7; 18–24 Mar are off; 25, 26, 27 Mar are 8–10.
        # Fri 27 Mar: offices close at 16.30 on Fridays (Perpres 21/2023).
        assert due == at(2026, 3, 27, 16, 30)


class TestObjectionDeadline:
    def test_day_thirty_is_the_last_day_to_object(self, cal):
        closes = deadlines.objection_filing_deadline(cal, ground_arose_on=date(2026, 3, 2))
        # Counting over Lebaran (18–24 Mar) and Good Friday (3 Apr): day 30 is Tue 21 Apr.
        assert closes == at(2026, 4, 21, 16, 0)
        assert cal.working_days_between(date(2026, 3, 2), closes.date()) == 30

    def test_answer_is_due_thirty_working_days_after_receipt(self, cal):
        due = deadlines.objection_answer_due(cal, received_at=at(2026, 3, 2, 9), answer_days=30)
        assert due == at(2026, 4, 21, 16, 0)

    def test_dispute_may_be_filed_fourteen_working_days_after_the_answer(self, cal):
        assert deadlines.dispute_filing_deadline(cal, answered_at=at(2026, 4, 21, 10)) == date(
            2026, 5, 12
        )


@pytest.mark.django_db
class TestServicesKeepTheRules:
    def test_request_due_date_is_set_from_the_calendar(self, make_request):
        item = make_request(received_at=at(2026, 2, 13, 10))
        assert item.due_at == at(2026, 3, 3, 16, 0)
        assert item.notice_days == 10

    def test_shorter_notice_time_from_the_settings(self, make_request):
        settings = PpidSettings.load()
        settings.notice_days = 5
        settings.save()
        item = make_request(received_at=at(2026, 2, 13, 10))
        # 18, 19, 20, 23, 24 Feb.
        assert item.due_at == at(2026, 2, 24, 16, 0)

    def test_extension_once_and_at_most_seven_days(self, make_request, ppid_utama):
        item = make_request(received_at=at(2026, 2, 13, 10))
        with pytest.raises(ActionRefused):
            request_extend(
                request=item,
                days=8,
                reason="Dokumen di arsip",
                actor=ppid_utama,
                now=at(2026, 2, 20, 9),
            )
        with pytest.raises(ActionRefused):
            request_extend(
                request=item, days=3, reason="  ", actor=ppid_utama, now=at(2026, 2, 20, 9)
            )
        item = request_extend(
            request=item,
            days=7,
            reason="Dokumen di arsip",
            actor=ppid_utama,
            now=at(2026, 2, 20, 9),
        )
        assert item.state == RequestState.EXTENDED
        assert item.due_at == at(2026, 3, 12, 16, 0)
        with pytest.raises(ActionRefused, match="satu kali"):
            request_extend(
                request=item, days=1, reason="lagi", actor=ppid_utama, now=at(2026, 2, 23, 9)
            )

    def test_no_extension_after_the_deadline(self, make_request, ppid_utama):
        item = make_request(received_at=at(2026, 2, 13, 10))
        with pytest.raises(ActionRefused):
            request_extend(
                request=item, days=2, reason="terlambat", actor=ppid_utama, now=at(2026, 3, 4, 8)
            )

    def test_open_deadlines_follow_a_holiday_added_to_the_calendar(
        self, make_request, bontang, django_capture_on_commit_callbacks
    ):
        item = make_request(received_at=at(2026, 2, 13, 10))
        assert item.due_at == at(2026, 3, 3, 16, 0)
        with django_capture_on_commit_callbacks(execute=True):
            CalendarOverride.objects.create(
                kabupaten_kota=bontang, date=date(2026, 2, 25), name="Hari jadi Kota Bontang"
            )
        item.refresh_from_db()
        assert item.due_at == at(2026, 3, 4, 16, 0)
        with django_capture_on_commit_callbacks(execute=True):
            CalendarOverride.objects.filter(date=date(2026, 2, 25)).delete()
        item.refresh_from_db()
        assert item.due_at == at(2026, 3, 3, 16, 0)

    def test_decided_requests_keep_their_deadline_when_the_calendar_changes(
        self, make_decided, bontang
    ):
        item = make_decided(
            RequestState.GRANTED,
            received_at=at(2026, 2, 13, 10),
            decided_at=at(2026, 2, 20, 10),
            answer="Terlampir.",
        )
        CalendarOverride.objects.create(
            kabupaten_kota=bontang, date=date(2026, 2, 25), name="Libur"
        )
        assert deadlines_recompute() == 0
        item.refresh_from_db()
        assert item.due_at == at(2026, 3, 3, 16, 0)


@pytest.mark.django_db
class TestObjectionWindow:
    @pytest.fixture
    def refused(self, make_decided):
        from paten.ppid.models import ExceptionGround

        return make_decided(
            RequestState.REFUSED,
            received_at=at(2026, 2, 13, 10),
            decided_at=at(2026, 3, 2, 10),
            exception_ground=ExceptionGround.objects.get(article__endswith="huruf h"),
        )

    def test_objection_on_working_day_thirty_is_accepted(self, refused):
        objection = objection_file(
            request=refused,
            ground=ObjectionGround.REFUSED_EXCEPTION,
            reasons="Informasi ini bukan rahasia pribadi.",
            now=at(2026, 4, 21, 15, 30),
        )
        assert objection.ground_arose_on == date(2026, 3, 2)
        # Received 21 Apr: the atasan PPID answers by working day 30 after it.
        assert objection.due_at == deadlines.objection_answer_due(
            calendar_for(None), received_at=at(2026, 4, 21, 15, 30), answer_days=30
        )

    def test_objection_on_working_day_thirty_one_is_refused_with_the_closing_date(self, refused):
        with pytest.raises(ActionRefused) as error:
            objection_file(
                request=refused,
                ground=ObjectionGround.REFUSED_EXCEPTION,
                reasons="Informasi ini bukan rahasia pribadi.",
                now=at(2026, 4, 22, 9),
            )
        message = " ".join(error.value.messages)
        assert "21 April 2026" in message
        assert refused.objections.count() == 0

    def test_not_answered_ground_only_after_the_deadline(self, make_request):
        item = make_request(received_at=at(2026, 2, 13, 10))
        with pytest.raises(ActionRefused, match="3 Maret 2026"):
            objection_file(
                request=item,
                ground=ObjectionGround.NOT_ANSWERED,
                reasons="Belum dijawab",
                now=at(2026, 3, 3, 12),
            )
        objection = objection_file(
            request=item,
            ground=ObjectionGround.NOT_ANSWERED,
            reasons="Belum dijawab",
            now=at(2026, 3, 4, 9),
        )
        assert objection.ground_arose_on == date(2026, 3, 3)

    def test_one_open_objection_per_request(self, refused):
        objection_file(
            request=refused,
            ground=ObjectionGround.REFUSED_EXCEPTION,
            reasons="Satu",
            now=at(2026, 3, 3, 9),
        )
        with pytest.raises(ValidationError):
            objection_file(
                request=refused,
                ground=ObjectionGround.NOT_FULFILLED,
                reasons="Dua",
                now=at(2026, 3, 3, 10),
            )
