from wagtail.models import Site

from paten.regions.models import Region

from .models import SiteSettings


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
        "footer_text": (
            "Data demo. Layanan PATEN tersedia di kantor kecamatan pada hari kerja, "
            "Senin–Kamis 07.30–16.00 dan Jumat 07.30–16.30."
        ),
    }
    changed = [name for name, value in defaults.items() if not getattr(settings, name)]
    for name in changed:
        setattr(settings, name, defaults[name])
    if settings.region_id is None:
        settings.region = Region.objects.filter(code="64.74").first()
        changed.append("region")
    if changed:
        settings.full_clean()
        settings.save()
    return settings
