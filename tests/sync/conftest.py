from django.core.cache import cache

import pytest

from paten.sync import identity


@pytest.fixture(autouse=True)
def _ownership_cache():
    """Who owns what is cached; a test that enrols or revokes must not leak it."""
    cache.delete(identity._CACHE_KEY)
    yield
    cache.delete(identity._CACHE_KEY)


@pytest.fixture
def offline_utara(utara):
    """At the central: Bontang Utara is served by an enrolled offline instance."""
    import uuid

    from paten.sync import keys
    from paten.sync.constants import InstallationRole
    from paten.sync.models import Peer

    peer = Peer.objects.create(
        id=uuid.uuid4(),
        role=InstallationRole.INSTANCE,
        kecamatan=utara,
        signing_key=keys.signing_public_b64(),
        encryption_key=keys.encryption_public_b64(),
        tracking_prefix="00",
    )
    identity.ownership_changed()
    return peer


@pytest.fixture
def as_instance(utara):
    """This installation is Bontang Utara's offline instance."""
    from paten.sync.constants import InstallationRole

    me = identity.installation()
    me.role = InstallationRole.INSTANCE
    me.kecamatan = utara
    me.tracking_prefix = "0A"
    me.save()
    identity.ownership_changed()
    return me
