"""Template tags of the PPID for other apps' pages (the home page's serta-merta block)."""

from django import template
from django.core.cache import cache
from django.utils import timezone

from ..selectors import dip_generation, dip_serta_merta_active

register = template.Library()


@register.simple_tag
def ppid_serta_merta(limit: int = 5) -> list[dict]:
    """Active immediate (serta-merta) information, newest first.

    Cached by the DIP generation (bumped on every publish and unpublish) and the day (an
    item ends at a date), so the home page pays no query for it on a cache hit.
    """
    key = f"ppid:serta-merta:{dip_generation()}:{timezone.localdate().isoformat()}:{limit}"
    items = cache.get(key)
    if items is None:
        items = [
            {
                "pk": entry.pk,
                "title": entry.title,
                "kecamatan": entry.kecamatan.name if entry.kecamatan_id else "",
                "until": entry.immediate_until,
            }
            for entry in dip_serta_merta_active(limit=limit)
        ]
        cache.set(key, items, 60 * 60 * 24)
    return items
