"""Fixtures of the report kind tests."""

from datetime import datetime, time, timedelta

from django.utils import timezone

import pytest

from forms_builder.models import Application
from forms_builder.services.applications import application_transition
from forms_builder.workflow import ApplicationState
from reporting.models import ReportRun, ReportStatus
from reporting.reports.services import report_run_request
from tests.forms_builder.factories import advance, submit
from tests.reporting.reports.factories import at, place

S = ApplicationState


@pytest.fixture
def due_later_today(service, utara, staff):
    """An application in processing due between now and midnight: inside a period that
    ends today, but not past its deadline yet."""
    application = advance(submit(service, utara), **staff, until=S.PROCESSING)
    midnight = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time.min)
    )
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(due_at=now + (midnight - now) / 2)
    return application


@pytest.fixture
def requested_run(django_capture_on_commit_callbacks):
    """Request a run as ``user`` (over ``period``'s dates, unless ``start`` and ``end`` are
    given) and let the eager Celery task generate it on commit; the run must be done."""

    def request(user, kind, period=None, **kwargs) -> ReportRun:
        if period is not None:
            kwargs.update(start=period.start_date, end=period.end_date)
        with django_capture_on_commit_callbacks(execute=True):
            run = report_run_request(user=user, kind=kind, **kwargs)
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE, run.error
        return run

    return request


@pytest.fixture
def february(service, utara, selatan, staff, staff_selatan):
    """Applications of February 2025, named by what they exercise.

    Bontang Utara:
      a  verified Mon 3, finished Tue 4, due Wed 5            on time, 1 working day
      b  verified Mon 3, finished Mon 10, due Wed 5 16:00     late (3 wd), 5 working days
      c  verified Thu 13, finished Mon 17, due Tue 18         on time, 2 working days
      g  received 20 Jan, verified Tue 21 Jan, finished Tue 4 Feb, due Wed 5
                                                               on time, 7 working days
      d  returned Wed 12, still returned, due Fri 14          open and overdue at the end
      e  rejected Wed 12                                      closed, not open
      f  processing, due 5 March                              open, not overdue
      h  finished 3 March, due Thu 27 Feb                      open and overdue at the end
    Bontang Selatan:
      s  verified Wed 5, finished Thu 6, due Fri 7            on time, 1 working day
    """
    apps = {}

    def finished(key, kecamatan, crew, submitted, verified, due, done):
        application = advance(submit(service, kecamatan), **crew, until=S.FINISHED)
        apps[key] = place(
            application, submitted=submitted, verified=verified, due=due, finished=done
        )

    # Finished applications: key, kecamatan, crew, then submitted, verified, due, finished.
    finished("a", utara, staff, at(3, 8), at(3, 9), at(5, 16), at(4))
    finished("b", utara, staff, at(3, 8), at(3, 9), at(5, 16), at(10))
    finished("c", utara, staff, at(13, 8), at(13, 9), at(18, 16), at(17))
    finished("g", utara, staff, at(20, month=1), at(21, month=1), at(5, 16), at(4, 11))
    returned = advance(submit(service, utara), **staff, until=S.VERIFYING)
    returned = application_transition(
        application=returned, to_state=S.RETURNED, actor=staff["loket"], note="Kurang KK"
    )
    apps["d"] = place(
        returned, submitted=at(11), due=at(14, 16), events={S.RETURNED: at(12), S.VERIFYING: at(11)}
    )
    rejected = advance(submit(service, utara), **staff, until=S.VERIFYING)
    rejected = application_transition(
        application=rejected, to_state=S.REJECTED, actor=staff["loket"], note="Bukan warga"
    )
    apps["e"] = place(rejected, submitted=at(11), finished=at(12), events={S.REJECTED: at(12)})
    processing = advance(submit(service, utara), **staff, until=S.PROCESSING)
    apps["f"] = place(processing, submitted=at(20), verified=at(20), due=at(5, 16, month=3))
    finished("h", utara, staff, at(25), at(25), at(27, 16), at(3, month=3))
    finished("s", selatan, staff_selatan, at(5, 8), at(5, 9), at(7, 16), at(6))
    return apps
