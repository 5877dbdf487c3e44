from datetime import UTC, date, datetime

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

import pytest

from paten.dates import date_range, long_date, long_datetime


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def test_long_date_reads_as_indonesian_words():
    assert long_date(date(2015, 6, 1)) == "1 Juni 2015"


def test_long_date_takes_iso_text_as_stored_in_form_data():
    assert long_date("2015-06-01") == "1 Juni 2015"


def test_long_date_of_nothing_or_garbage_is_empty():
    assert long_date(None) == ""
    assert long_date("") == ""
    assert long_date("not a date") == ""


@override_settings(TIME_ZONE="Asia/Makassar")
def test_long_date_of_an_aware_datetime_is_the_local_day():
    # 17:30 UTC on 2 December is already 3 December in WITA (UTC+8).
    assert long_date(datetime(2026, 12, 2, 17, 30, tzinfo=UTC)) == "3 Desember 2026"


@override_settings(TIME_ZONE="Asia/Makassar")
def test_long_datetime_names_the_zone_people_know():
    assert long_datetime(datetime(2026, 12, 3, 6, 5, tzinfo=UTC)) == "3 Desember 2026 14.05 WITA"


@override_settings(TIME_ZONE="Asia/Jayapura")
def test_long_datetime_in_wit():
    assert long_datetime(datetime(2026, 12, 3, 6, 5, tzinfo=UTC)) == "3 Desember 2026 15.05 WIT"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 12, 1), date(2026, 12, 3), "1–3 Desember 2026"),
        (date(2026, 11, 30), date(2026, 12, 3), "30 November – 3 Desember 2026"),
        (date(2026, 12, 30), date(2027, 1, 2), "30 Desember 2026 – 2 Januari 2027"),
        (date(2026, 12, 3), date(2026, 12, 3), "3 Desember 2026"),
        (date(2016, 3, 1), None, "sejak 1 Maret 2016"),
        (None, date(2027, 12, 31), "sampai 31 Desember 2027"),
        (None, None, ""),
        ("2026-12-01", "2026-12-03", "1–3 Desember 2026"),
    ],
)
def test_date_range(start, end, expected):
    assert date_range(start, end) == expected


def test_english_pages_get_english_month_names():
    with translation.override("en"):
        assert long_date(date(2015, 6, 1)) == "1 June 2015"


def test_template_filters():
    template = Template("{% load paten_dates %}{{ day|long_date }} | {{ start|date_range:end }}")
    rendered = template.render(
        Context({"day": date(2015, 6, 1), "start": date(2026, 12, 1), "end": date(2026, 12, 3)})
    )
    assert rendered == "1 Juni 2015 | 1–3 Desember 2026"
