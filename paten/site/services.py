from django.db import transaction
from wagtail.models import Site

from paten.regions.models import Region

from .models import KecamatanOffice, SiteSettings

# The footer text of earlier demo data repeated the service hours (and contradicted
# them); a demo installation that still has it gets the new text.
_OLD_DEMO_FOOTER = (
    "Data demo. Layanan PATEN tersedia di kantor kecamatan pada hari kerja, "
    "Senin–Kamis 07.30–16.00 dan Jumat 07.30–16.30."
)

# Demo kecamatan offices of Kota Bontang (names and numbers are modelled, not real).
DEMO_OFFICES = {
    "64.74.01": {
        "address": "Jl. Letjen S. Parman No. 1, Kelurahan Bontang Baru, Bontang 75311",
        "phone": "(0548) 000 001",
        "camat_name": "Drs. Andi Rahman, M.Si.",
        "camat_nip": "197003121995031002",
        "camat_rank": "Pembina Tingkat I (IV/b)",
    },
    "64.74.02": {
        "address": "Jl. Jend. Sudirman No. 2, Kelurahan Tanjung Laut, Bontang 75321",
        "phone": "(0548) 000 002",
        "camat_name": "Hj. Siti Aminah, S.Sos.",
        "camat_nip": "197505202000032001",
        "camat_rank": "Pembina (IV/a)",
    },
    "64.74.03": {
        "address": "Jl. Cut Nyak Dien No. 3, Kelurahan Kanaan, Bontang 75313",
        "phone": "(0548) 000 003",
        "camat_name": "Muhammad Yusuf, S.STP., M.AP.",
        "camat_nip": "198208082001121003",
        "camat_rank": "Pembina (IV/a)",
        # A coastal office closes earlier on Friday: shown on its pages only.
        "service_hours": "Senin–Kamis 07.30–16.00\nJumat 07.30–11.30",
    },
}


def site_settings_set_demo() -> SiteSettings:
    """Fill the demo installation's settings (Kota Bontang) where they are still empty."""
    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    defaults = {
        "pemda_name": "Pemerintah Kota Bontang",
        "short_name": "PATEN Bontang",
        "address": "Jl. Moh. Roem No. 1, Bontang Lestari, Kota Bontang, Kalimantan Timur",
        "phone": "(0548) 000 000",
        "email": "paten@demo.paten.local",
        "footer_text": "Data demo. Layanan PATEN tersedia di setiap kantor kecamatan.",
        "service_hours": "Senin–Kamis 07.30–16.00\nJumat 07.30–16.30",
        "letter_place": "Bontang",
    }
    if settings.footer_text == _OLD_DEMO_FOOTER:
        settings.footer_text = ""
    changed = [name for name, value in defaults.items() if not getattr(settings, name)]
    for name in changed:
        setattr(settings, name, defaults[name])
    if settings.region_id is None:
        settings.region = Region.objects.filter(code="64.74").first()
        changed.append("region")
    if changed:
        settings.full_clean()
        settings.save()
    kecamatan_offices_set_demo()
    return settings


@transaction.atomic
def kecamatan_offices_set_demo() -> int:
    """Create the demo kecamatan offices that are missing; returns how many."""
    created = 0
    for code, values in DEMO_OFFICES.items():
        kecamatan = Region.objects.filter(code=code).first()
        if kecamatan is None or KecamatanOffice.objects.filter(kecamatan=kecamatan).exists():
            continue
        office = KecamatanOffice(kecamatan=kecamatan, email="", **values)
        office.full_clean()
        office.save()
        created += 1
    return created
