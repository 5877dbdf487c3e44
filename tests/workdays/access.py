"""Who reaches the staff URLs of paten.workdays (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import model_rules

RULES = {
    **model_rules("calendar_override", "workdays.calendaroverride"),
    **model_rules("calendar_settings", "workdays.calendarsettings"),
}
