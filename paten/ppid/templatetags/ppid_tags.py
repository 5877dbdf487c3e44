"""Template tags of the PPID for other apps' pages (the home page's serta-merta block)."""

from django import template

from ..selectors import dip_serta_merta_active

register = template.Library()


@register.simple_tag
def ppid_serta_merta(limit: int = 5):
    """Active immediate (serta-merta) information, newest first."""
    return dip_serta_merta_active(limit=limit)
