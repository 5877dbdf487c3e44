"""Kemendagri administrative regions: provinsi > kabupaten/kota > kecamatan > desa/kelurahan.

One table keyed by the Kemendagri code (``64.74.03.1002``); the level and the kind are
derived from the code (Kepmendagri 300.2.2-2138/2025, summarised in
docs/domain/identity-numbers.md#kemendagri-region-codes).
The four tiers are exposed as proxy models for readable queries and foreign keys.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import RegionKind, RegionLevel, kind_for, level_for, parent_code_for


class RegionQuerySet(models.QuerySet):
    def under(self, code: str) -> "RegionQuerySet":
        """The region with this code and everything below it."""
        return self.filter(models.Q(code=code) | models.Q(code__startswith=f"{code}."))


class Region(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_constraint=True,
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=RegionKind.choices)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # Everything but the name follows from the code (docs/domain/identity-numbers.md).
        self.level = level_for(self.code)
        self.kind = kind_for(self.code, self.name)
        self.parent_id = parent_code_for(self.code)
        super().save(*args, **kwargs)


class _TierManager(models.Manager):
    level: int

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def get_queryset(self):
        return RegionQuerySet(self.model, using=self._db).filter(level=self.level)


class Provinsi(Region):
    objects = _TierManager(RegionLevel.PROVINSI)

    class Meta:
        proxy = True
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")


class KabupatenKota(Region):
    objects = _TierManager(RegionLevel.KABUPATEN_KOTA)

    class Meta:
        proxy = True
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")


class Kecamatan(Region):
    objects = _TierManager(RegionLevel.KECAMATAN)

    class Meta:
        proxy = True
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")


class DesaKelurahan(Region):
    objects = _TierManager(RegionLevel.DESA_KELURAHAN)

    class Meta:
        proxy = True
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
