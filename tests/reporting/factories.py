"""Builders for survey tests: answers by key and finished applications."""

from reporting.survey.constants import ANSWER_FIELDS


def all_answers(value: int = 4, **overrides) -> dict[str, int]:
    """Answers for the nine unsur, all ``value`` unless overridden by key."""
    return {key: overrides.get(key, value) for key in ANSWER_FIELDS}


def finished_application(service, kecamatan, staff):
    from tests.forms_builder.factories import advance, submit

    return advance(submit(service, kecamatan=kecamatan), **staff, until="selesai")
