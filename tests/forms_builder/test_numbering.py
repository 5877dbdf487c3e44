"""Result numbers: pattern, sequence per kecamatan/service/year, concurrency."""

import os
import threading

from django.db import connection, transaction

import pytest

from forms_builder.models import Application, IssuanceSettings, NumberSequence
from forms_builder.numbering import format_number
from forms_builder.services.applications import application_transition
from forms_builder.services.numbering import number_issue
from forms_builder.workflow import ApplicationState

from .factories import advance, submit

S = ApplicationState


@pytest.mark.django_db
class TestNumbering:
    def test_sequential_per_kecamatan_and_service(
        self, service, utara, selatan, staff, camat_selatan
    ):
        numbers = []
        for _ in range(3):
            numbers.append(advance(submit(service, utara), **staff, until=S.FINISHED).result_number)
        assert [n.split("/")[0] for n in numbers] == ["001", "002", "003"]
        seq = NumberSequence.objects.get(kecamatan=utara, service=service)
        assert seq.last_value == 3

    def test_admin_pattern(self, service, utara, staff):
        IssuanceSettings.objects.create(
            service=service,
            number_pattern="474/{seq:04}/{kecamatan_code}/{month:02}/{year}",
            validity_days=30,
        )
        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        assert application.result_number.startswith("474/0001/64.74.01/")
        assert application.valid_until is not None

    def test_new_year_restarts(self, service, utara, staff):
        from datetime import datetime

        from django.utils import timezone

        local = timezone.get_default_timezone()  # the installation's zone
        application = advance(submit(service, utara), **staff, until=S.AWAITING_SIGNATURE)
        with transaction.atomic():
            first = number_issue(
                application=application,
                now=datetime(2026, 12, 31, 23, 0, tzinfo=local),
            )
            second = number_issue(
                application=application,
                now=datetime(2027, 1, 1, 8, 0, tzinfo=local),
            )
        assert first.startswith("001/") and first.endswith("/2026")
        assert second.startswith("001/") and second.endswith("/2027")

    def test_rollback_gives_the_number_back(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.AWAITING_SIGNATURE)
        with pytest.raises(RuntimeError), transaction.atomic():
            number_issue(application=application)
            raise RuntimeError
        application = application_transition(
            application=application, to_state=S.FINISHED, actor=staff["camat"]
        )
        assert application.result_number.startswith("001/")

    def test_pattern_cannot_reach_attributes(self):
        with pytest.raises(KeyError):
            format_number("{seq.__class__}", seq=1)
        with pytest.raises(KeyError):
            format_number("{secret}", seq=1)
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            IssuanceSettings(number_pattern="{nope}/{seq}").clean()
        IssuanceSettings(number_pattern="{seq:05}-{year}").clean()


# Transactional only where it runs: on SQLite the test is skipped, and a skipped
# transactional test breaks the session's serialized-rollback restore (tests/conftest.py).
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=ON_POSTGRES)
def test_concurrent_finishing_is_gap_free(request):
    # Fixtures fetched in the body: a skipped transactional test must not set them up.
    service, utara, staff = (request.getfixturevalue(n) for n in ("service", "utara", "staff"))
    threads_count = 10
    applications = [
        advance(submit(service, utara), **staff, until=S.AWAITING_SIGNATURE)
        for _ in range(threads_count)
    ]
    camat = staff["camat"]
    barrier = threading.Barrier(threads_count)
    errors = []

    def finish(application):
        try:
            barrier.wait()
            application_transition(application=application, to_state=S.FINISHED, actor=camat)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=finish, args=(a,)) for a in applications]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    numbers = sorted(
        int(n.split("/")[0]) for n in Application.objects.values_list("result_number", flat=True)
    )
    assert numbers == list(range(1, threads_count + 1))
