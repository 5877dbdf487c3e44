"""Fixtures of the report kind tests."""

import pytest

from forms_builder.services.applications import application_transition
from forms_builder.workflow import ApplicationState
from tests.forms_builder.factories import advance, submit
from tests.reporting.reports.factories import at, place

S = ApplicationState


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

    def finished(kecamatan, crew):
        return advance(submit(service, kecamatan), **crew, until=S.FINISHED)

    apps["a"] = place(
        finished(utara, staff), submitted=at(3, 8), verified=at(3, 9), due=at(5, 16), finished=at(4)
    )
    apps["b"] = place(
        finished(utara, staff),
        submitted=at(3, 8),
        verified=at(3, 9),
        due=at(5, 16),
        finished=at(10),
    )
    apps["c"] = place(
        finished(utara, staff),
        submitted=at(13, 8),
        verified=at(13, 9),
        due=at(18, 16),
        finished=at(17),
    )
    apps["g"] = place(
        finished(utara, staff),
        submitted=at(20, month=1),
        verified=at(21, month=1),
        due=at(5, 16),
        finished=at(4, 11),
    )
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
    apps["h"] = place(
        finished(utara, staff),
        submitted=at(25),
        verified=at(25),
        due=at(27, 16),
        finished=at(3, month=3),
    )
    apps["s"] = place(
        finished(selatan, staff_selatan),
        submitted=at(5, 8),
        verified=at(5, 9),
        due=at(7, 16),
        finished=at(6),
    )
    return apps
