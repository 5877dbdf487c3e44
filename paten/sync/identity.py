"""Who this installation is, and which kecamatan are owned by offline instances.

Both answers are needed on every guarded write, so they are cached (the Django cache,
shared by the web and worker processes of one installation) and the cache is cleared
whenever an enrolment, revocation or hand-back changes them. A request reads the cache
once and keeps the answer until it ends (a submission writes several guarded rows).
"""

import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction

from .constants import InstallationRole, PeerStatus

_CACHE_KEY = "paten-sync:ownership:v2"
# Kept until something changes ownership (``ownership_changed``), not for a while:
# every write asks, and a guard must not cost a query now and then.
_CACHE_SECONDS = None


def installation():
    from .models import Installation

    row = Installation.objects.filter(pk=1).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return Installation.objects.create(pk=1)
    except IntegrityError:
        return Installation.objects.get(pk=1)


@dataclass(frozen=True)
class Ownership:
    """``instance_kecamatan``: at an enrolled instance, its kecamatan (and whether it was
    handed back); ``offline``: at the central, kecamatan owned by an active instance."""

    is_instance: bool
    instance_kecamatan: str | None
    handed_back: bool
    offline: frozenset[str]
    tracking_prefix: str = ""
    installation_id: str = ""


class _RequestMemo(threading.local):
    active = False
    value: "Ownership | None" = None


_request = _RequestMemo()


def request_memo_start() -> None:
    """At the start of a request: later ``ownership()`` calls in it read the cache once."""
    _request.active, _request.value = True, None


def request_memo_end() -> None:
    _request.active, _request.value = False, None


def ownership() -> Ownership:
    if not _request.active:
        return _ownership_cached()
    if _request.value is None:
        _request.value = _ownership_cached()
    return _request.value


def _ownership_cached() -> Ownership:
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    from .models import Installation, Peer

    me = Installation.objects.filter(pk=1).first()
    if me is not None and me.role == InstallationRole.INSTANCE:
        value = Ownership(
            is_instance=True,
            instance_kecamatan=me.kecamatan_id,
            handed_back=me.handed_back_at is not None,
            offline=frozenset(),
            tracking_prefix=me.tracking_prefix,
            installation_id=str(me.installation_id),
        )
    else:
        codes = Peer.objects.filter(
            role=InstallationRole.INSTANCE, status=PeerStatus.ACTIVE
        ).values_list("kecamatan_id", flat=True)
        value = Ownership(
            is_instance=False,
            instance_kecamatan=None,
            handed_back=False,
            offline=frozenset(code for code in codes if code),
        )
    cache.set(_CACHE_KEY, value, _CACHE_SECONDS)
    return value


def tracking_prefix() -> str:
    """The prefix of the tracking codes this installation issues ("" at the central)."""
    return ownership().tracking_prefix


def instance_audit_chain(installation_id) -> str:
    """The audit chain of an offline instance: no other installation writes to it."""
    from paten.audit.models import CHAIN_INSTANCE

    return f"{CHAIN_INSTANCE}:{installation_id}"


def audit_chain_for(kecamatan_code: str | None) -> str | None:
    """The audit router (``audit_chain_router_set``): at an enrolled instance every event
    goes into the instance's own chain; elsewhere the audit app's default."""
    own = ownership()
    if own.is_instance and own.installation_id:
        return instance_audit_chain(own.installation_id)
    return None


def ownership_changed() -> None:
    """Call after anything that changes who owns a kecamatan (after commit)."""
    _forget()
    transaction.on_commit(_forget)


def _forget() -> None:
    _request.value = None
    cache.delete(_CACHE_KEY)


def central_peer():
    """At an instance: the central it is enrolled with."""
    from .models import Peer

    return Peer.objects.filter(role=InstallationRole.CENTRAL).first()
