from django.db import models
from django.utils.translation import gettext_lazy as _

# Bundle format versions: a reader refuses any other.
BUNDLE_FORMAT = "paten-sync-bundle/1"
REQUEST_FORMAT = "paten-sync-request/1"
CERTIFICATE_FORMAT = "paten-sync-certificate/1"


class InstallationRole(models.TextChoices):
    CENTRAL = "central", _("Central installation")
    INSTANCE = "instance", _("Offline instance")


class PeerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    RETURNED = "returned", _("Handed back to the central")


class BundleKind(models.TextChoices):
    ENROLMENT = "enrolment", _("Enrolment")
    DOWN = "down", _("Configuration (central → kecamatan)")
    UP = "up", _("Records (kecamatan → central)")


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class BundleStatus(models.TextChoices):
    WRITTEN = "written", _("Written")
    APPLIED = "applied", _("Imported")
    HELD = "held", _("Held until its predecessor arrives")
    REFUSED = "refused", _("Refused")
    DUPLICATE = "duplicate", _("Already imported")


class Refusal(models.TextChoices):
    """Why a bundle was refused as a whole (docs/sync.md §9)."""

    MALFORMED = "malformed", _("This is not a PATEN bundle.")
    TRUNCATED = "truncated", _("The file ends early: it was cut off or the copy did not finish.")
    TAMPERED = (
        "tampered",
        _("A part of the file does not match its signed manifest: it was changed or damaged."),
    )
    BAD_SIGNATURE = "bad_signature", _("The bundle is not signed by the expected key.")
    UNKNOWN_SENDER = (
        "unknown_sender",
        _("The bundle comes from an installation this one does not know."),
    )
    WRONG_RECEIVER = "wrong_receiver", _("The bundle is meant for another installation.")
    REVOKED = "revoked", _("The sending offline instance has been revoked.")
    FOREIGN = "foreign", _("The bundle holds a record outside the sender's kecamatan.")
    REPLAYED = "replayed", _("The bundle is older than the last one imported from this sender.")
    FORKED = "forked", _("Another bundle with the same predecessor was already imported.")
    UNIQUE_CLASH = "unique_clash", _("A record would duplicate a unique value of another record.")
    MISSING_REFERENCE = "missing_reference", _("A record points to something that does not exist.")
    AUDIT_REWRITTEN = (
        "audit_rewritten",
        _("The instance's audit chain does not extend what was accepted before."),
    )
    NOT_ENROLLED = "not_enrolled", _("This installation is not enrolled for this.")
    READ_ONLY = "read_only", _("This instance has been handed back and accepts no more data.")


class AnomalyKind(models.TextChoices):
    CLOCK_BACKWARDS = "clock_backwards", _("The instance's clock went backwards")
    BACKDATED = "backdated", _("Dated before the previous bundle's checkpoint")
