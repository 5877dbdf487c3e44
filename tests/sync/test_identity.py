"""Identity rules: tracking codes issued offline cannot collide (docs/sync.md §6); who owns
what is read once per request."""

import uuid

import pytest

from forms_builder import tracking
from paten.sync import identity
from paten.sync.constants import InstallationRole


@pytest.fixture
def same_randomness(monkeypatch):
    """Every installation draws exactly the same random symbols."""
    monkeypatch.setattr(tracking.secrets, "choice", lambda alphabet: alphabet[7])


def test_codes_forced_to_collide_still_differ_between_installations(same_randomness):
    central = tracking.tracking_code_new()
    first = tracking.tracking_code_new(prefix="00")
    second = tracking.tracking_code_new(prefix="01")
    assert len(central) == 10
    assert len(first) == len(second) == 11
    assert len({central, first, second}) == 3
    for code in (central, first, second):
        assert tracking.parse(tracking.display(code)) == code


def test_instance_codes_keep_the_check_symbol():
    code = tracking.tracking_code_new(prefix="0Z")
    assert code.startswith("0Z")
    for i, original in enumerate(code):
        for symbol in tracking.ALPHABET:
            if symbol != original:
                assert not tracking.is_valid(code[:i] + symbol + code[i + 1 :])


@pytest.mark.parametrize("prefix", ["0", "ABC", "0I", "ou"])
def test_bad_prefix_is_refused(prefix):
    with pytest.raises(ValueError):
        tracking.tracking_code_new(prefix=prefix)


def test_display_of_an_instance_code():
    assert tracking.display("ABCDEFGHJKM") == "ABCD-EFGH-JKM"


class _CountingCache:
    """The Django cache, counting the reads of the ownership."""

    def __init__(self, cache):
        self.cache, self.reads = cache, 0

    def get(self, key, *args, **kwargs):
        if key == identity._CACHE_KEY:
            self.reads += 1
        return self.cache.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


@pytest.fixture
def counting_cache(monkeypatch):
    from django.core.cache import cache

    counting = _CountingCache(cache)
    monkeypatch.setattr(identity, "cache", counting)
    return counting


@pytest.mark.django_db
def test_an_online_submission_reads_the_ownership_once(client, service, utara, counting_cache):
    from forms_builder.models import Application
    from tests.forms_builder.factories import pdf_upload

    response = client.post(
        f"/ajukan/{service.code}/?kecamatan={utara.code}",
        {
            "pemohon-name": "Siti Rahmawati",
            "pemohon-phone": "0812 3456 7890",
            "nama_lengkap": "Siti Rahmawati",
            "keperluan": "Sekolah",
            "surat_pengantar": pdf_upload(),
        },
    )
    assert response.status_code == 302 and Application.objects.count() == 1
    # Three guarded rows (application, attachment, event), the tracking prefix, the audit
    # chain's router: one read.
    assert counting_cache.reads == 1


@pytest.mark.django_db
def test_a_change_of_ownership_in_a_request_is_seen_at_once(utara, counting_cache):
    from paten.sync.models import Peer

    identity.request_memo_start()  # what the request_started receiver does
    try:
        assert identity.ownership().offline == frozenset()
        assert identity.ownership().offline == frozenset()
        assert counting_cache.reads == 1
        Peer.objects.create(
            id=uuid.uuid4(),
            role=InstallationRole.INSTANCE,
            kecamatan=utara,
            signing_key="x",
            encryption_key="y",
            tracking_prefix="00",
        )
        identity.ownership_changed()
        assert identity.ownership().offline == {utara.code}
    finally:
        identity.request_memo_end()
    # Outside a request (a Celery task) every call asks the shared cache.
    identity.ownership()
    identity.ownership()
    assert counting_cache.reads == 4
