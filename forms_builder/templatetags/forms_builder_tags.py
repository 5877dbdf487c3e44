from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ..models import FormVersion

register = template.Library()


@register.simple_tag
def apply_url(service, kecamatan=None) -> str:
    """Where a citizen applies online for ``service``; empty while it has no published form."""
    if not FormVersion.objects.filter(service_id=service.pk).exists():
        return ""
    url = reverse("forms_builder:apply", args=[service.code])
    if kecamatan is not None:
        url += "?" + urlencode({"kecamatan": kecamatan.code})
    return url
