from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from paten.regions.constants import RegionLevel


class StaffProfile(models.Model):
    """The kecamatan a staff user works in; none means pemda-wide (see selectors)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    kecamatan = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("kecamatan"),
        blank=True,
        related_name="staff_profiles",
        limit_choices_to={"level": RegionLevel.KECAMATAN},
        help_text=_("Leave empty for pemda-wide staff (Bagian Pemerintahan, PPID, evaluators)."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(group.name for group in self.user.groups.all()))

    @property
    def kecamatan_names(self) -> str:
        return ", ".join(region.name for region in self.kecamatan.all()) or _("Pemda-wide")
