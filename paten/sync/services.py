"""Enrolment, revocation and hand-back (docs/sync.md §3), and the sync entry points.

At the laptop: ``enrolment_request_write`` then ``enrolment_apply``. At the central:
``instance_enrol`` (from the laptop's request), ``instance_revoke``, ``down_export``,
``up_import``. Views, commands and tasks call these.
"""

import json
import socket
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptography.exceptions import InvalidSignature

from . import codec, container, export, identity, imports, keys
from .constants import (
    CERTIFICATE_FORMAT,
    REQUEST_FORMAT,
    BundleKind,
    BundleStatus,
    Direction,
    InstallationRole,
    PeerStatus,
    Refusal,
)
from .container import BundleRefused
from .models import BundleLog, Peer

PREFIX_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the tracking codes' (Crockford)


class EnrolmentError(ValidationError):
    pass


# -- the laptop asks ------------------------------------------------------------------------


def _signed(document: dict) -> dict:
    data = codec.canonical(document)
    return {"document": document, "signature": keys.b64(keys.signing_key().sign(data))}


def _open_signed(envelope: dict, public_b64: str) -> dict:
    try:
        document = envelope["document"]
        signature = keys.unb64(envelope["signature"])
        keys.ed25519_public(public_b64).verify(signature, codec.canonical(document))
    except (KeyError, TypeError, ValueError, InvalidSignature):
        raise EnrolmentError(_("The signature does not verify.")) from None
    return document


def enrolment_request_write(*, path: Path | str) -> str:
    """Write this laptop's enrolment request (public keys, signed); returns the fingerprint."""
    me = identity.installation()
    if me.is_instance and me.handed_back_at is None:
        raise EnrolmentError(_("This installation is already an enrolled offline instance."))
    document = {
        "format": REQUEST_FORMAT,
        "installation": str(me.installation_id),
        "signing_key": keys.signing_public_b64(),
        "encryption_key": keys.encryption_public_b64(),
        "hostname": socket.gethostname()[:80],
        "created_at": codec.plain(timezone.now()),
    }
    Path(path).write_bytes(codec.canonical(_signed(document)) + b"\n")
    return keys.fingerprint(document["signing_key"], document["encryption_key"])


def enrolment_request_read(data: bytes) -> dict:
    """The request's document once its signature (proof of the private key) verifies."""
    try:
        envelope = json.loads(data.decode("utf-8"))
        document = envelope["document"]
        if document.get("format") != REQUEST_FORMAT:
            raise ValueError
        public = document["signing_key"]
        keys.x25519_public(document["encryption_key"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise EnrolmentError(_("This file is not a PATEN enrolment request.")) from None
    _open_signed(envelope, public)
    document["fingerprint"] = keys.fingerprint(document["signing_key"], document["encryption_key"])
    return document


# -- the central enrols ---------------------------------------------------------------------


def _next_prefix() -> str:
    used = Peer.objects.filter(role=InstallationRole.INSTANCE).exclude(tracking_prefix="").count()
    n = used
    while True:
        prefix = PREFIX_ALPHABET[n // 32 % 32] + PREFIX_ALPHABET[n % 32]
        if not Peer.objects.filter(tracking_prefix=prefix).exists():
            return prefix
        n += 1


@dataclass
class Enrolment:
    peer: Peer
    result: export.ExportResult


def instance_enrol(*, request: dict, kecamatan, actor, path: Path | str) -> Enrolment:
    """Enrol the laptop of ``request`` for ``kecamatan`` and write its enrolment bundle."""
    from paten.audit.services import audit_record

    me = identity.installation()
    if me.is_instance:
        raise EnrolmentError(_("Only the central installation enrols offline instances."))
    if Peer.objects.filter(pk=request["installation"]).exists():
        raise EnrolmentError(
            _("This laptop was enrolled before. Reset it (sync_enrol --reset) and ask again.")
        )
    if Peer.objects.filter(
        kecamatan=kecamatan, role=InstallationRole.INSTANCE, status=PeerStatus.ACTIVE
    ).exists():
        raise EnrolmentError(
            _("Kecamatan %(name)s already has an active offline instance; revoke it first.")
            % {"name": kecamatan.name}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            peer = Peer.objects.create(
                id=request["installation"],
                role=InstallationRole.INSTANCE,
                kecamatan=kecamatan,
                label=_("Laptop of Kecamatan %(name)s") % {"name": kecamatan.name},
                signing_key=request["signing_key"],
                encryption_key=request["encryption_key"],
                tracking_prefix=_next_prefix(),
                enrolled_at=now,
                enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            certificate = _signed(
                {
                    "format": CERTIFICATE_FORMAT,
                    "instance": str(peer.id),
                    "kecamatan": kecamatan.code,
                    "signing_key": peer.signing_key,
                    "encryption_key": peer.encryption_key,
                    "prefix": peer.tracking_prefix,
                    "central": str(me.installation_id),
                    "issued_at": codec.plain(now),
                }
            )
            peer.certificate = codec.canonical(certificate).decode("utf-8")
            peer.save(update_fields=["certificate"])
            audit_record(
                actor=actor,
                action="sync.instance_enrolled",
                target=peer,
                kecamatan=kecamatan,
                payload={"instance": str(peer.id), "prefix": peer.tracking_prefix},
            )
            result = export.bundle_export(
                peer=peer,
                path=path,
                kind=BundleKind.ENROLMENT,
                kecamatan=kecamatan.code,
                header_extra=_central_keys(me),
                extra={"certificate": certificate, "prefix": peer.tracking_prefix},
            )
    except IntegrityError:
        raise EnrolmentError(
            _("Kecamatan %(name)s already has an active offline instance; revoke it first.")
            % {"name": kecamatan.name}
        ) from None
    identity.ownership_changed()
    return Enrolment(peer=peer, result=result)


def _central_keys(me) -> dict:
    from django.conf import settings

    return {
        "central_signing_key": keys.signing_public_b64(),
        "central_encryption_key": keys.encryption_public_b64(),
        "central_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
    }


def central_fingerprint() -> str:
    return keys.fingerprint(keys.signing_public_b64(), keys.encryption_public_b64())


@transaction.atomic
def instance_revoke(*, peer: Peer, reason: str, actor) -> Peer:
    from paten.audit.services import audit_record

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the instance is revoked.")})
    peer = Peer.objects.select_for_update().get(pk=peer.pk)
    if peer.status != PeerStatus.ACTIVE:
        raise ValidationError(_("Only an active instance can be revoked."))
    peer.status = PeerStatus.REVOKED
    peer.revoked_at = timezone.now()
    peer.revoked_reason = reason
    peer.save(update_fields=["status", "revoked_at", "revoked_reason"])
    audit_record(
        actor=actor,
        action="sync.instance_revoked",
        target=peer,
        kecamatan=peer.kecamatan_id,
        payload={"instance": str(peer.id), "reason": reason},
    )
    identity.ownership_changed()
    return peer


# -- the laptop becomes the instance --------------------------------------------------------


def _enrolment_key_for(header: dict):
    me = identity.installation()
    if header.get("kind") != BundleKind.ENROLMENT:
        raise BundleRefused(Refusal.MALFORMED, _("This is not an enrolment bundle."))
    if header.get("receiver") != str(me.installation_id):
        raise BundleRefused(Refusal.WRONG_RECEIVER)
    try:
        return keys.ed25519_public(header["central_signing_key"])
    except (KeyError, ValueError, TypeError):
        raise BundleRefused(Refusal.MALFORMED, "no central key") from None


def enrolment_inspect(*, path: Path | str) -> container.VerifiedBundle:
    return container.verify(path, key_for=_enrolment_key_for)


def has_own_data() -> bool:
    """Whether this installation holds anything that an enrolment would delete."""
    from forms_builder.models import Application
    from paten.regions.models import Region

    return Region.objects.exists() or Application.objects.exists()


def enrolment_apply(*, path: Path | str, reset: bool) -> BundleLog:
    """Turn this installation into the offline instance the enrolment bundle names."""
    from paten.accounts.services import roles_sync_permissions

    from .reset import installation_reset

    me = identity.installation()
    if me.is_instance and me.handed_back_at is None:
        raise EnrolmentError(_("This installation is already an enrolled offline instance."))
    bundle = enrolment_inspect(path=path)
    header, manifest = bundle.header, bundle.manifest
    certificate = _open_signed(manifest.get("certificate") or {}, header["central_signing_key"])
    if (
        certificate.get("instance") != str(me.installation_id)
        or certificate.get("signing_key") != keys.signing_public_b64()
        or certificate.get("encryption_key") != keys.encryption_public_b64()
    ):
        raise EnrolmentError(_("The certificate in this bundle is for another laptop."))
    if has_own_data() and not reset:
        raise EnrolmentError(
            _(
                "This installation already holds data (for example the demo data of make run). "
                "Enrolment deletes it: run the command again with --reset."
            )
        )
    created_files: list[Path] = []
    try:
        with transaction.atomic():
            installation_reset()
            central = Peer.objects.create(
                id=header["sender"],
                role=InstallationRole.CENTRAL,
                label=_("Central installation"),
                url=header.get("central_url") or "",
                signing_key=header["central_signing_key"],
                encryption_key=header["central_encryption_key"],
                certificate=codec.canonical(manifest["certificate"]).decode("utf-8"),
                enrolled_at=timezone.now(),
            )
            log = imports._log(
                bundle, peer=central, status=BundleStatus.APPLIED, applied_at=timezone.now()
            )
            imports.apply_bundle(
                bundle,
                peer=central,
                log=log,
                created_files=created_files,
                received_partition_known=True,
            )
            me.role = InstallationRole.INSTANCE
            me.kecamatan_id = certificate["kecamatan"]
            me.tracking_prefix = certificate["prefix"]
            me.enrolled_at = timezone.now()
            me.handed_back_at = None
            me.save()
            central.in_sequence = log.sequence
            central.in_hash = log.bundle_hash
            central.in_counter = int(manifest.get("counter_to") or 0)
            central.last_received_at = timezone.now()
            central.last_claimed_at = log.claimed_at
            central.save()
            identity.ownership_changed()
    except BaseException:
        for created in created_files:
            created.unlink(missing_ok=True)
        raise
    roles_sync_permissions()
    return log


def after_configuration_import() -> None:
    """Refresh what is derived from configuration: the search index of the catalog, and
    the caches of the catalog and the DIP (the bundle writes its rows by INSERT … ON
    CONFLICT, which sends no model signal; bumped now and again after the commit, as
    ``service_catalog.signals`` does)."""
    from wagtail.search.backends import get_search_backend

    from paten.ppid.selectors import dip_generation_bump
    from service_catalog.models import ServicePage
    from service_catalog.selectors import catalog_generation_bump

    for bump in (catalog_generation_bump, dip_generation_bump):
        bump()
        transaction.on_commit(bump)

    backend = get_search_backend()
    for page in ServicePage.objects.all().iterator():
        backend.add(page)


# -- exchanging ---------------------------------------------------------------------------


def down_export(*, peer: Peer, path: Path | str, resend: bool = False) -> export.ExportResult:
    """At the central: the next configuration bundle for an instance."""
    from reporting.survey.services import survey_version_current

    if peer.status != PeerStatus.ACTIVE:
        raise ValidationError(_("Bundles are written only for active instances."))
    # The instance must never need to snapshot the questionnaire itself.
    survey_version_current()
    return export.bundle_export(
        peer=peer, path=path, kind=BundleKind.DOWN, kecamatan=peer.kecamatan_id, resend=resend
    )


def up_export(
    *, path: Path | str, final: bool = False, resend: bool = False
) -> export.ExportResult:
    """At the instance: the next bundle of the kecamatan's records for the central."""
    me = identity.installation()
    if not me.is_instance:
        raise ValidationError(_("Only an offline instance sends record bundles."))
    if me.handed_back_at is not None:
        raise ValidationError(_("This instance was handed back; it sends no more bundles."))
    central = identity.central_peer()
    with transaction.atomic():
        result = export.bundle_export(
            peer=central,
            path=path,
            kind=BundleKind.UP,
            kecamatan=me.kecamatan_id,
            final=final,
            resend=resend,
        )
        if final:
            me.handed_back_at = timezone.now()
            me.save(update_fields=["handed_back_at"])
            identity.ownership_changed()
    return result


def bundle_import(*, path: Path | str, progress=None) -> imports.ImportOutcome:
    return imports.bundle_import(path=path, progress=progress)


def bundle_log_for(peer: Peer):
    return BundleLog.objects.filter(peer=peer).order_by("-received_at")


__all__ = [
    "Direction",
    "EnrolmentError",
    "bundle_import",
    "down_export",
    "enrolment_apply",
    "enrolment_request_read",
    "enrolment_request_write",
    "instance_enrol",
    "instance_revoke",
    "up_export",
]
