"""Reads for the public site: kecamatan offices and their service hours.

Service hours have one source so that no two pages disagree: the site settings' hours,
replaced for one kecamatan by its office's own hours when the office sets them. The
time zone shown with them is the installation's (WIB, WITA or WIT; Keppres 41/1987,
``paten/regions/timezones.py``).
"""

import base64
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.models import Site

from .models import KecamatanOffice, SiteSettings


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def time_zone_label() -> str:
    """WIB, WITA or WIT: the abbreviation people use for the installation's zone."""
    return timezone.localtime().tzname() or ""


@dataclass(frozen=True)
class ServiceHours:
    lines: list[str]
    zone: str
    kecamatan_name: str = ""
    # Kecamatan offices keeping other hours than ``lines`` (shown beside the default).
    exceptions: list["ServiceHours"] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lines)


def kecamatan_office(code: str | None) -> KecamatanOffice | None:
    if not code:
        return None
    return KecamatanOffice.objects.select_related("kecamatan").filter(kecamatan_id=code).first()


def service_hours(
    *, site_settings: SiteSettings | None, kecamatan_code: str | None = None
) -> ServiceHours:
    """The hours of one kecamatan office, or (without ``kecamatan_code``) the site's hours
    with every office that keeps other hours listed as an exception."""
    zone = time_zone_label()
    default = _lines(site_settings.service_hours) if site_settings else []
    if kecamatan_code:
        office = kecamatan_office(kecamatan_code)
        own = _lines(office.service_hours) if office else []
        name = office.kecamatan.name if office else ""
        return ServiceHours(lines=own or default, zone=zone, kecamatan_name=name)
    exceptions = [
        ServiceHours(
            lines=_lines(office.service_hours), zone=zone, kecamatan_name=office.kecamatan.name
        )
        for office in KecamatanOffice.objects.select_related("kecamatan").exclude(service_hours="")
        if _lines(office.service_hours) != default
    ]
    return ServiceHours(lines=default, zone=zone, exceptions=exceptions)


@dataclass(frozen=True)
class Letterhead:
    """The kop surat and signature block of a document a kecamatan issues."""

    pemda_name: str  # "Pemerintah Kota Bontang"
    kecamatan_name: str
    address: str
    phone: str
    email: str
    place: str  # written before the date: "Bontang, 3 Desember 2026"
    camat_name: str
    camat_nip: str
    camat_rank: str
    logo_data_uri: str = ""


def _logo_data_uri(image) -> str:
    """The logo embedded in the document (a PDF fetches nothing from outside)."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition("max-240x240")
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    mime = {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(
        rendition.file.name.rsplit(".", 1)[-1].lower(), "image/jpeg"
    )
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def letterhead_for(kecamatan) -> Letterhead:
    """Letterhead and signature block for documents of ``kecamatan`` (a Region): the
    pemda from the default site's settings, the office and camat from the kecamatan
    office; whatever is not set stays empty."""
    site = Site.objects.filter(is_default_site=True).first()
    settings = SiteSettings.for_site(site) if site else None
    office = kecamatan_office(kecamatan.code)
    return Letterhead(
        pemda_name=(settings.pemda_name if settings else "") or "",
        kecamatan_name=kecamatan.name,
        address=office.address if office else "",
        phone=office.phone if office else "",
        email=office.email if office else "",
        place=(settings.letter_place if settings else "") or "",
        camat_name=office.camat_name if office else "",
        camat_nip=office.camat_nip if office else "",
        camat_rank=office.camat_rank if office else "",
        logo_data_uri=_logo_data_uri(settings.logo) if settings else "",
    )
