"""The append-only audit log: one hash chain per partition, sealed off the request path.

An event belongs to exactly one chain (``chain``: ``pemda``, ``kecamatan:<code>``, later
``instance:<id>``). The request that makes a change inserts its event unsealed; the
chain's sealer (``services.audit_seal``) gives it its sequence number, the previous hash
and its own hash, so that a row changed or removed behind the application's back breaks
the chain. Signed checkpoints (``AuditCheckpoint``) pin each chain's head at a size, so
even a rewrite that recomputes every later hash, or a removed tail, is found. The hashed
form is described in :meth:`AuditEvent.document` and in ``verify_export``.
"""

import uuid
from datetime import UTC

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .verify_export import GENESIS_HASH, canonical_json, event_hash

# Chain ids: a kind and, except for the one pemda-wide chain, a value.
CHAIN_PEMDA = "pemda"
CHAIN_KECAMATAN = "kecamatan"
CHAIN_INSTANCE = "instance"

__all__ = [
    "GENESIS_HASH",
    "AuditChain",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditSettings",
    "chain_key_for",
]


def chain_key_for(kecamatan_code: str | None) -> str:
    """The chain of an event: its kecamatan's, or the pemda-wide chain when it has none."""
    return f"{CHAIN_KECAMATAN}:{kecamatan_code}" if kecamatan_code else CHAIN_PEMDA


def event_document(
    *,
    id,
    chain: str,
    sequence: int,
    timestamp,
    actor_username: str,
    action: str,
    target_type: str,
    target_id: str,
    kecamatan: str | None,
    payload,
) -> dict:
    """The hashed document of an event, from its stored values (see ``AuditEvent.document``)."""
    return {
        "id": str(id),
        "chain": chain,
        "sequence": int(sequence),
        "timestamp": timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_username or "",
        "action": action,
        "target_type": target_type,
        "target_id": target_id or "",
        "kecamatan": kecamatan or None,
        "payload": payload,
    }


class AuditEventImmutable(Exception):
    """An audit event was about to be changed or deleted; the chain is append-only."""

    def __init__(self, message=None):
        super().__init__(
            str(message or _("Audit events are append-only: they cannot be changed or deleted."))
        )


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable()

    def delete(self):
        raise AuditEventImmutable()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEventImmutable()

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AuditEventImmutable()

    # Django's own delete machinery calls _raw_delete on fast-deletable querysets.
    def _raw_delete(self, using):
        raise AuditEventImmutable()

    _raw_delete.alters_data = True
    update.alters_data = True
    delete.alters_data = True
    bulk_update.alters_data = True


class AppendOnly(models.Model):
    """A row is inserted once: saving it again or deleting it raises
    ``AuditEventImmutable``."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable()


class AuditChain(models.Model):
    """One chain: the lock its sealer takes and the summary the admin shows.

    ``id`` is the partition key (``chain_key_for``): ``pemda``, ``kecamatan:<code>`` and
    later ``instance:<id>``. The row is mutable bookkeeping, never trusted by the
    verifiers (they recompute from the events and the signed checkpoints).
    """

    id = models.CharField(_("chain"), max_length=64, primary_key=True)
    sealed_size = models.PositiveBigIntegerField(_("sealed size"), default=0)
    head_hash = models.CharField(_("head hash"), max_length=64, default=GENESIS_HASH)
    sealed_at = models.DateTimeField(_("last sealed"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.id

    @property
    def kecamatan_code(self) -> str | None:
        kind, _sep, value = self.id.partition(":")
        return value if kind == CHAIN_KECAMATAN else None


class AuditCheckpoint(AppendOnly):
    """A signed checkpoint of one chain (the C2SP tlog-checkpoint note in ``note``)."""

    chain = models.ForeignKey(
        AuditChain, verbose_name=_("chain"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    size = models.PositiveBigIntegerField(_("size"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("time"), db_index=True)
    note = models.TextField(_("signed note"))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["chain", "-size", "-created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.chain_id} @{self.size}"


class AuditEvent(AppendOnly):
    """One audited change. Written unsealed (``sequence``, ``prev_hash``, ``hash`` NULL)
    by the request that makes the change; the chain's sealer fills those three once."""

    # Not in Wagtail's reference index: an event is no content that "uses" its actor or
    # target, and indexing it cost every audited request a read and two writes more.
    wagtail_reference_index_ignore = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chain = models.CharField(_("chain"), max_length=64, default=CHAIN_PEMDA, editable=False)
    sequence = models.PositiveBigIntegerField(_("sequence"), null=True, editable=False)
    timestamp = models.DateTimeField(_("time"), db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Stored so the hash never depends on a user row that may be deleted.
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("target type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_object_id = models.CharField(_("target id"), max_length=64, blank=True)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, null=True, blank=True)
    hash = models.CharField(_("hash"), max_length=64, null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-timestamp"]
        # Events are written only by audit_record: no add/change/delete permission.
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "sequence"], name="audit_event_chain_sequence"
            ),
        ]
        indexes = [
            models.Index(fields=["kecamatan", "timestamp"]),
            models.Index(fields=["target_content_type", "target_object_id"]),
            # What the sealer reads: the unsealed events of one chain, oldest first.
            models.Index(
                fields=["chain", "timestamp"],
                condition=models.Q(sequence__isnull=True),
                name="audit_event_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} #{self.sequence or '-'} {self.action}"

    @property
    def is_sealed(self) -> bool:
        return self.sequence is not None

    @property
    def target_type_label(self) -> str:
        if not self.target_content_type_id:
            return ""
        ct = ContentType.objects.get_for_id(self.target_content_type_id)
        return f"{ct.app_label}.{ct.model}"

    def document(self, *, sequence: int | None = None) -> dict:
        """The hashed document of this event (``verify_export.CANONICAL_KEYS``).

        - ``id``: the UUID as 36 lower-case characters with hyphens;
        - ``chain``: the chain id (``pemda``, ``kecamatan:<code>``);
        - ``sequence``: integer, 1 for the first event of its chain;
        - ``timestamp``: UTC, ISO-8601 with microseconds and ``Z``
          (``2026-03-18T01:30:00.000000Z``);
        - ``actor``: ``actor_username`` (never the user id: the user row may be deleted
          and the FK set to NULL without changing the event);
        - ``action``: string;
        - ``target_type``: ``"app_label.model"`` or ``""`` (not the content-type id,
          which differs between installations);
        - ``target_id``: string, ``""`` when there is no target;
        - ``kecamatan``: Kemendagri code or ``null``;
        - ``payload``: the JSON payload as stored (``audit_record`` normalises it
          through ``DjangoJSONEncoder`` first, so what is stored is what is hashed).
        """
        return event_document(
            id=self.id,
            chain=self.chain,
            sequence=self.sequence if sequence is None else sequence,
            timestamp=self.timestamp,
            actor_username=self.actor_username,
            action=self.action,
            target_type=self.target_type_label,
            target_id=self.target_object_id,
            kecamatan=self.kecamatan_id,
            payload=self.payload,
        )

    def canonical_json(self) -> str:
        """The canonical serialisation of this event, the input of its hash
        (``verify_export.canonical_json`` of :meth:`document`)."""
        return canonical_json(self.document())

    def compute_hash(self, prev_hash: str | None = None, sequence: int | None = None) -> str:
        prev = self.prev_hash if prev_hash is None else prev_hash
        return event_hash(prev, self.document(sequence=sequence))


@register_setting(icon="list-ul")
class AuditSettings(BaseGenericSetting):
    """How often checkpoints are signed, when unsealed events raise the alarm, who
    receives the checkpoints (witnesses such as the inspektorat)."""

    checkpoint_interval_minutes = models.PositiveIntegerField(
        _("checkpoint every (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text=_("A signed checkpoint of every chain that grew is made this often."),
    )
    unsealed_alarm_minutes = models.PositiveIntegerField(
        _("alarm after unsealed (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_(
            "Events still unsealed after this long are shown as an alarm on the admin home "
            "and by audit_verify."
        ),
    )
    witness_emails = models.TextField(
        _("witness e-mail addresses"),
        blank=True,
        help_text=_(
            "One address per line, e.g. the inspektorat. Every new checkpoint is e-mailed "
            "to them so that they keep a copy the database cannot change."
        ),
    )

    class Meta:
        verbose_name = _("audit trail settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def witness_list(self) -> list[str]:
        return [line.strip() for line in self.witness_emails.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        for address in self.witness_list:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    {
                        "witness_emails": _("%(address)s is not an e-mail address.")
                        % {"address": address}
                    }
                ) from None
