"""Who read whose personal data: an append-only record of unmasked reads.

UU 27/2022 (Pelindungan Data Pribadi) asks the controller to know who processed whose
personal data (docs/domain/personal-data.md). Each event says who (the staff user),
what (an application's personal fields shown, an attachment downloaded, an unmasked
export), when, why (the reason typed for an export) and whose (the data subject's
kecamatan, whose camat reviews it). Rows are written by
``forms_builder.services.access`` and never changed or deleted through the ORM.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """A personal-data access event is never changed or deleted."""


class AccessAction(models.TextChoices):
    VIEWED = "dilihat", _("Personal data shown")
    DOWNLOADED = "diunduh", _("Attachment downloaded")
    EXPORTED = "diekspor", _("Unmasked export")


class PersonalDataAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Personal-data access events are append-only.")

    def delete(self):
        raise AppendOnlyError("Personal-data access events are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Personal-data access events are append-only.")

    update.queryset_only = True
    delete.queryset_only = True


class PersonalDataAccess(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text: the record outlives the account.
    actor_username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("what"), max_length=12, choices=AccessAction.choices)
    application = models.ForeignKey(
        "forms_builder.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tracking_code = models.CharField(_("tracking code"), max_length=11, blank=True)
    # The data subjects' kecamatan: its camat reviews the event.
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.CharField(_("details"), max_length=500, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kecamatan", "at"])]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.get_action_display()} {self.tracking_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Personal-data access events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Personal-data access events are append-only.")
