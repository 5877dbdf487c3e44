"""The printable standar pelayanan: one A4 PDF per service and kecamatan (WeasyPrint).

The layout follows what public offices display: a header with the pemda and the
kecamatan, the 14 components (UU 25/2009 Pasal 21, grouped per PermenPAN-RB 15/2014)
in a numbered table, the kecamatan's maklumat pelayanan, and a QR code to the page.
"""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from wagtail.models import Site

import segno

from paten.pdf import html_to_pdf
from paten.regions.models import Region

from .models import ServicePage
from .selectors import duration_label, fee_label, latest_maklumat, standard_for


def _pemda_name(request: HttpRequest) -> str:
    from paten.site.models import SiteSettings

    site = Site.find_for_request(request)
    if site is None:
        return "PATEN"
    return SiteSettings.for_site(site).pemda_name or "PATEN"


def standard_pdf(
    *, request: HttpRequest, service: ServicePage, kecamatan: Region | None = None
) -> bytes:
    """Render the standard of ``service`` (as it applies in ``kecamatan``) to PDF bytes.

    ``service`` should come from ``selectors.service_detail_queryset`` (prefetched).
    """
    standard = standard_for(service, kecamatan)
    public_url = request.build_absolute_uri(service.get_url(request=request) or "/")
    if kecamatan is not None:
        public_url += "?" + urlencode({"kecamatan": kecamatan.code})
    qr = segno.make(public_url, error="m")
    html = render_to_string(
        "service_catalog/standard_pdf.html",
        {
            "service": service,
            "standard": standard,
            "kecamatan": kecamatan,
            "pemda_name": _pemda_name(request),
            "documents": list(service.required_documents.all()),
            "steps": list(service.procedure_steps.all()),
            "legal_basis": list(service.legal_basis.all()),
            "duration": duration_label(standard.duration_value, standard.duration_unit),
            "fee": fee_label(service),
            "maklumat": latest_maklumat(kecamatan) if kecamatan else None,
            "public_url": public_url,
            "qr_data_uri": qr.svg_data_uri(scale=4, border=1),
            "version_at": service.last_published_at,
        },
        request=request,
    )
    return html_to_pdf(html)
