"""Fixtures of the PPID tests: Kota Bontang and its kecamatan, the PPID structure (PPID
utama, kecamatan PPID of Bontang Utara and of Bontang Selatan, atasan PPID) and request
builders that go through the services."""

import pytest

from paten.accounts.constants import Role
from paten.ppid.services import request_decide
from paten.regions.models import Region

from .factories import BARAT, SELATAN, UTARA, ppid_staff, submit_request


def _region(code: str, name: str) -> Region:
    parent = Region.objects.get(code=code.rsplit(".", 1)[0]) if "." in code else None
    region, _created = Region.objects.get_or_create(
        code=code, defaults={"name": name, "parent": parent}
    )
    return region


@pytest.fixture
def bontang(db, settings):
    settings.PATEN_KABUPATEN_KOTA = "64.74"
    settings.TIME_ZONE = "Asia/Jakarta"
    _region("64", "Kalimantan Timur")
    _region("64.74", "Kota Bontang")
    for code, name in [
        (UTARA, "Bontang Utara"),
        (SELATAN, "Bontang Selatan"),
        (BARAT, "Bontang Barat"),
    ]:
        _region(code, name)
    return Region.objects.get(code="64.74")


@pytest.fixture
def utara(bontang):
    return Region.objects.get(code=UTARA)


@pytest.fixture
def selatan(bontang):
    return Region.objects.get(code=SELATAN)


@pytest.fixture
def ppid_utama(bontang):
    return ppid_staff("ppid")


@pytest.fixture
def ppid_utara(bontang):
    return ppid_staff("ppid.utara", kecamatan=UTARA)


@pytest.fixture
def ppid_selatan(bontang):
    return ppid_staff("ppid.selatan", kecamatan=SELATAN)


@pytest.fixture
def atasan(bontang):
    return ppid_staff("atasan", role=Role.ATASAN_PPID)


@pytest.fixture
def camat_utara(bontang):
    return ppid_staff("camat.utara", role=Role.CAMAT, kecamatan=UTARA)


@pytest.fixture
def make_request(bontang):
    def make(*, kecamatan=None, **options):
        return submit_request(kecamatan, **options)

    return make


#: What ``request_decide`` takes besides the request, the outcome, the actor and the time.
_NOTICE = {"answer", "withheld", "exception_ground", "exempt_entry", "not_held_where", "files"}


@pytest.fixture
def make_decided(make_request, ppid_utama):
    """A request decided by the PPID utama at ``decided_at``: the notice's fields (answer,
    exception ground, files, ...) go to the decision, the others to the request."""

    def make(outcome, *, decided_at=None, **fields):
        notice = {name: fields.pop(name) for name in _NOTICE & fields.keys()}
        return request_decide(
            request=make_request(**fields),
            outcome=outcome,
            actor=ppid_utama,
            now=decided_at,
            **notice,
        )

    return make


@pytest.fixture
def category(db):
    from paten.ppid.models import DipCategory

    return DipCategory.objects.get_or_create(name="Keuangan")[0]


@pytest.fixture
def make_entry(bontang, category):
    """A DIP entry saved with a revision, published unless ``live=False``."""
    from paten.ppid.constants import InformationClass
    from paten.ppid.models import DipEntry
    from paten.ppid.services import dip_number_issue

    def make(*, kecamatan=None, title="Laporan keuangan", live=True, user=None, **fields):
        from django.db import transaction

        values = {
            "information_class": InformationClass.PERIODIC,
            "summary": "Ringkasan laporan",
            "holding_unit": "Sekretariat",
            "responsible": "Sekretaris Kecamatan",
            "year": 2026,
            "retention": "5 tahun",
        }
        values.update(fields)
        with transaction.atomic():
            entry = DipEntry(
                title=title,
                category=category,
                kecamatan=kecamatan,
                live=False,
                **values,
            )
            entry.number = dip_number_issue(kecamatan_code=entry.kecamatan_id)
            entry.full_clean()
            entry.save()
            revision = entry.save_revision(user=user)
            if live:
                revision.publish(user=user)
        entry.refresh_from_db()
        return entry

    return make


@pytest.fixture
def make_test(bontang):
    from datetime import date

    from paten.ppid.models import ConsequenceTest, ExceptionGround
    from paten.ppid.services import consequence_test_number_issue

    def make(*, kecamatan=None, information="Data pribadi pemohon KTP", exempt_until=None):
        from django.db import transaction

        with transaction.atomic():
            test = ConsequenceTest(
                kecamatan=kecamatan,
                information=information,
                ground=ExceptionGround.objects.get(article__endswith="huruf h"),
                consequence="Mengungkap rahasia pribadi warga.",
                decided_on=date(2026, 1, 5),
                exempt_until=exempt_until or date(2031, 1, 5),
                decided_by="PPID Kecamatan",
            )
            test.number = consequence_test_number_issue(kecamatan_code=test.kecamatan_id)
            test.full_clean()
            test.save()
        return test

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The DIP's cached pages and serta-merta list are keyed by a generation that a test's
    rollback does not undo: start and end every test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
