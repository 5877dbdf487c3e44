"""Builders shared by the reporting tests: the Bontang kecamatan codes, answers by key,
finished applications, signed-in clients."""

from django.test import Client

from reporting.survey.constants import ANSWER_FIELDS
from tests.bontang import BARAT, SELATAN, UTARA

__all__ = [
    "BARAT",
    "PAPER_ENTRY",
    "SELATAN",
    "UTARA",
    "all_answers",
    "client_for",
    "finished_application",
    "logged_in",
]


def all_answers(value: int = 4, **overrides) -> dict[str, int]:
    """Answers for the nine unsur, all ``value`` unless overridden by key."""
    return {key: overrides.get(key, value) for key in ANSWER_FIELDS}


def finished_application(service, kecamatan, staff):
    from tests.forms_builder.factories import advance, submit

    return advance(submit(service, kecamatan=kecamatan), **staff, until="selesai")


PAPER_ENTRY = "survey_paper_entry:index"


def logged_in(client, user):
    client.force_login(user)
    return client


def client_for(user) -> Client:
    """A new test client signed in as ``user``."""
    return logged_in(Client(), user)
