"""The append-only audit chain.

Every event is hashed together with the hash of the event before it, so that a row
changed or removed behind the application's back breaks the chain and
``audit_verify`` names the first bad event. The canonical form that is hashed is
described in :meth:`AuditEvent.canonical_json`.
"""

import hashlib
import json
import uuid
from datetime import UTC

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# prev_hash of the first event of a chain.
GENESIS_HASH = "0" * 64


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


class AuditChainHead(models.Model):
    """The single row that serialises appends and remembers the end of the chain.

    ``audit_record`` locks it with ``SELECT … FOR UPDATE`` (PostgreSQL); on SQLite the
    ``BEGIN IMMEDIATE`` transaction already serialises writers.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class AuditEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
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
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        # Events are written only by audit_record: no add/change/delete permission.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["kecamatan", "timestamp"]),
            models.Index(fields=["target_content_type", "target_object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable()

    @property
    def target_type_label(self) -> str:
        if not self.target_content_type_id:
            return ""
        ct = ContentType.objects.get_for_id(self.target_content_type_id)
        return f"{ct.app_label}.{ct.model}"

    def canonical_json(self) -> str:
        """The canonical serialisation of this event, the input of its hash.

        A JSON object with exactly these keys, ``json.dumps(sort_keys=True,
        separators=(",", ":"), ensure_ascii=False, allow_nan=False)``, encoded as UTF-8:

        - ``id``: the UUID as 36 lower-case characters with hyphens;
        - ``sequence``: integer;
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

        ``hash = sha256(prev_hash + canonical_json).hexdigest()`` where ``prev_hash`` is
        the previous event's hash (``GENESIS_HASH`` for the first event).
        """
        timestamp = self.timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        document = {
            "id": str(self.id),
            "sequence": int(self.sequence),
            "timestamp": timestamp,
            "actor": self.actor_username or "",
            "action": self.action,
            "target_type": self.target_type_label,
            "target_id": self.target_object_id or "",
            "kecamatan": self.kecamatan_id or None,
            "payload": self.payload,
        }
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )

    def compute_hash(self, prev_hash: str | None = None) -> str:
        prev = self.prev_hash if prev_hash is None else prev_hash
        return hashlib.sha256((prev + self.canonical_json()).encode("utf-8")).hexdigest()
