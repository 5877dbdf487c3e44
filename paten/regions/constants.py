import re

from django.db import models
from django.utils.translation import gettext_lazy as _

# Kemendagri code shapes (Kepmendagri 300.2.2-2138/2025;
# docs/domain/identity-numbers.md#kemendagri-region-codes):
# provinsi NN, kabupaten/kota NN.NN, kecamatan NN.NN.NN, desa/kelurahan NN.NN.NN.NNNN.
CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class RegionLevel(models.IntegerChoices):
    PROVINSI = 1, _("provinsi")
    KABUPATEN_KOTA = 2, _("kabupaten/kota")
    KECAMATAN = 3, _("kecamatan")
    DESA_KELURAHAN = 4, _("desa/kelurahan")


class RegionKind(models.TextChoices):
    PROVINSI = "provinsi", _("provinsi")
    KABUPATEN = "kabupaten", _("kabupaten")
    KOTA = "kota", _("kota")
    KECAMATAN = "kecamatan", _("kecamatan")
    KELURAHAN = "kelurahan", _("kelurahan")
    DESA = "desa", _("desa")
    DESA_ADAT = "desa_adat", _("desa adat")


class InvalidRegionCode(ValueError):
    pass


def validate_code_shape(code: str) -> None:
    if not CODE_RE.match(code or ""):
        raise InvalidRegionCode(
            _("Region code “%(code)s” does not follow the Kemendagri format (e.g. 64.74.03.1002).")
            % {"code": code}
        )


def level_for(code: str) -> int:
    validate_code_shape(code)
    return code.count(".") + 1


def parent_code_for(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def kind_for(code: str, name: str) -> str:
    """The kind of region, from the code (and for kabupaten/kota, the name).

    Desa vs kelurahan is the first digit of the last part (1 kelurahan, 2 desa,
    3 desa adat); kabupaten vs kota is in the name ("Kota Bontang"), with the code
    range (kota 71–99) as the fallback for names without the prefix.
    """
    level = level_for(code)
    if level == RegionLevel.PROVINSI:
        return RegionKind.PROVINSI
    if level == RegionLevel.KECAMATAN:
        return RegionKind.KECAMATAN
    if level == RegionLevel.KABUPATEN_KOTA:
        lowered = (name or "").strip().lower()
        if lowered.startswith("kota "):
            return RegionKind.KOTA
        if lowered.startswith(("kabupaten ", "kab. ")):
            return RegionKind.KABUPATEN
        return RegionKind.KOTA if int(code[-2:]) >= 71 else RegionKind.KABUPATEN
    first = code.rsplit(".", 1)[1][0]
    return {"1": RegionKind.KELURAHAN, "3": RegionKind.DESA_ADAT}.get(first, RegionKind.DESA)
