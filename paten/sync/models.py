"""State of the sync between the central installation and offline instances.

``Installation`` says who this installation is; ``Peer`` is the other side (the
central, seen from an instance; each enrolled instance, seen from the central) with the
bundle sequences, counters and acknowledgements of docs/sync.md §5. ``OutboxRecord`` is
the per-record version counter of what we send; ``RecordKey`` maps sync keys of
integer-keyed records to local primary keys; ``ReceivedRecord`` keeps when each
imported record was received; ``BundleLog`` is every bundle written or read, with the
reason of a refusal.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import (
    AnomalyKind,
    BundleKind,
    BundleStatus,
    Direction,
    InstallationRole,
    PeerStatus,
    Refusal,
)


class Installation(models.Model):
    """This installation (one row): its sync id and, once enrolled, its kecamatan."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    installation_id = models.UUIDField(_("installation id"), default=uuid.uuid4, unique=True)
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=InstallationRole.choices,
        default=InstallationRole.CENTRAL,
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tracking_prefix = models.CharField(_("tracking code prefix"), max_length=2, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    # An instance that sent its final bundle accepts no more writes (handed back).
    handed_back_at = models.DateTimeField(_("handed back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("this installation")
        verbose_name_plural = _("this installation")
        default_permissions = ()
        permissions = [("exchange_bundles", _("Can export and import sync bundles"))]
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="sync_installation_single_row")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.installation_id}"

    @property
    def is_instance(self) -> bool:
        return self.role == InstallationRole.INSTANCE


class Peer(models.Model):
    """The other side of a sync: the central (at an instance) or one instance (at the central)."""

    id = models.UUIDField(_("installation id"), primary_key=True)
    role = models.CharField(_("role"), max_length=10, choices=InstallationRole.choices)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("name"), max_length=120, blank=True)
    # At an instance: the central's address, for pushing bundles over HTTPS.
    url = models.URLField(_("address"), blank=True)
    # Raw 32-byte public keys, base64.
    signing_key = models.CharField(_("signing key (Ed25519)"), max_length=64)
    encryption_key = models.CharField(_("encryption key (X25519)"), max_length=64)
    certificate = models.TextField(_("certificate"), blank=True)
    tracking_prefix = models.CharField(_("tracking code prefix"), max_length=2, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PeerStatus.choices, default=PeerStatus.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    returned_at = models.DateTimeField(_("handed back at"), null=True, blank=True)

    # What we send: the last bundle, and the counter high-water of our records.
    out_sequence = models.PositiveBigIntegerField(default=0)
    out_hash = models.CharField(max_length=64, blank=True)
    out_counter = models.PositiveBigIntegerField(default=0)
    out_sent_counter = models.PositiveBigIntegerField(default=0)
    # What the peer told us it applied of ours (its acknowledgement).
    acked_sequence = models.PositiveBigIntegerField(default=0)
    acked_hash = models.CharField(max_length=64, blank=True)
    acked_counter = models.PositiveBigIntegerField(default=0)
    # What we applied of the peer's.
    in_sequence = models.PositiveBigIntegerField(default=0)
    in_hash = models.CharField(max_length=64, blank=True)
    in_counter = models.PositiveBigIntegerField(default=0)
    last_received_at = models.DateTimeField(_("last bundle received"), null=True, blank=True)
    last_claimed_at = models.DateTimeField(_("last bundle made (its clock)"), null=True, blank=True)
    # The instance's audit chain (docs/sync.md §7). At the central: the size and head
    # accepted so far, and the instance's signed checkpoint of them. At an instance: the
    # size and head sent so far, and the size the central acknowledged.
    audit_size = models.PositiveBigIntegerField(default=0)
    audit_head = models.CharField(max_length=64, blank=True)
    audit_checkpoint = models.TextField(_("audit checkpoint"), blank=True)
    audit_acked_size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("sync partner")
        verbose_name_plural = _("sync partners")
        ordering = ["kecamatan", "-enrolled_at"]
        constraints = [
            # One kecamatan has at most one active offline instance.
            models.UniqueConstraint(
                fields=["kecamatan"],
                condition=Q(role=InstallationRole.INSTANCE, status=PeerStatus.ACTIVE),
                name="sync_one_active_instance_per_kecamatan",
            ),
            models.UniqueConstraint(
                fields=["tracking_prefix"],
                condition=~Q(tracking_prefix=""),
                name="sync_tracking_prefix_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.id)


class OutboxRecord(models.Model):
    """The version of one record as we last scanned it for ``peer`` (docs/sync.md §5)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    counter = models.PositiveBigIntegerField()
    deleted = models.BooleanField(default=False)
    # The SHA-256 of the record's file content and its name in private storage.
    blob = models.CharField(max_length=64, blank=True)
    blob_name = models.CharField(max_length=255, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["peer", "model", "key"], name="sync_outbox_unique")
        ]
        indexes = [models.Index(fields=["peer", "counter"])]

    def __str__(self) -> str:
        return f"{self.model} {self.key} v{self.counter}"


class RecordKey(models.Model):
    """Sync key ↔ local primary key of a record whose primary key is an integer."""

    model = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    local_pk = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="sync_record_key_unique"),
            models.UniqueConstraint(fields=["model", "local_pk"], name="sync_record_local_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key} → {self.local_pk}"


class BundleLog(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(
        Peer, verbose_name=_("partner"), null=True, blank=True, on_delete=models.SET_NULL
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=BundleKind.choices, blank=True)
    sequence = models.PositiveBigIntegerField(_("sequence"), null=True, blank=True)
    bundle_hash = models.CharField(_("bundle hash"), max_length=64, blank=True, db_index=True)
    previous_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    counter_from = models.PositiveBigIntegerField(null=True, blank=True)
    counter_to = models.PositiveBigIntegerField(null=True, blank=True)
    final = models.BooleanField(_("final bundle"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=BundleStatus.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Refusal.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    counts = models.JSONField(_("records"), default=dict, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    claimed_at = models.DateTimeField(_("made at (its clock)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # A held bundle waits here (under PATEN_VAR_DIR/sync/held/) for its predecessor.
    held_path = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["-received_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_direction_display()} #{self.sequence} {self.get_status_display()}"


class ReceivedRecord(models.Model):
    """When each imported record was received, beside the time it claims itself."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    counter = models.PositiveBigIntegerField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    bundle = models.ForeignKey(BundleLog, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["peer", "model", "key"], name="sync_received_unique")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key} received {self.received_at:%Y-%m-%d}"


class SyncAnomaly(models.Model):
    """Something an offline instance's clock or data makes suspicious (never a refusal)."""

    peer = models.ForeignKey(Peer, verbose_name=_("instance"), on_delete=models.CASCADE)
    bundle = models.ForeignKey(
        BundleLog, verbose_name=_("bundle"), null=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AnomalyKind.choices)
    model = models.CharField(_("record type"), max_length=64, blank=True)
    key = models.CharField(_("record"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("time claimed"), null=True, blank=True)
    reference_at = models.DateTimeField(_("checkpoint time"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync anomaly")
        verbose_name_plural = _("sync anomalies")
        ordering = ["-created_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.model} {self.key}"
