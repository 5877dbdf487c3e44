"""PDFs of applications (WeasyPrint): the receipt and the issued result document.

The result text comes from the service's admin-edited template. Its placeholders
(``{{ number }}``, ``{{ data.nik }}`` …) are replaced by escaped values with a plain
substitution, not the Django template engine: an editor's template can reach nothing
but the values listed in ``result_placeholders``.
"""

import copy
import re
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

import segno

from paten.dates import long_date
from paten.pdf import html_to_pdf
from paten.site.selectors import letterhead_for

from .constants import FieldType
from .models import Application, IssuanceSettings

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)?)\s*\}\}")

DEFAULT_RESULT_TEMPLATE = (
    "<p>Yang bertanda tangan di bawah ini, Camat {{ kecamatan }}, menerangkan bahwa "
    "permohonan <strong>{{ service }}</strong> atas nama <strong>{{ applicant_name }}</strong> "
    "telah diselesaikan.</p>"
)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def result_placeholders(application: Application) -> dict[str, str]:
    values = {
        "number": application.result_number or "",
        "service": application.service.title,
        "kecamatan": application.kecamatan.name,
        "issued_on": long_date(application.issued_at),
        "valid_until": long_date(application.valid_until),
        "applicant_name": application.applicant_name,
    }
    # Dates are stored as ISO text; a letter shows them as people read them.
    date_keys = {
        spec.get("key")
        for spec in (application.form_version.fields if application.form_version_id else [])
        if spec.get("type") in (FieldType.DATE, FieldType.BIRTH_DATE)
    }
    for key, value in (application.data or {}).items():
        if key in date_keys:
            values[f"data.{key}"] = long_date(value) or str(value)
        else:
            values[f"data.{key}"] = (
                ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            )
    return values


def render_placeholders(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: escape(values.get(match.group(1), "")), template)


def result_preview_pdf(*, application: Application) -> bytes:
    """The result document as ``result_pdf`` will issue it today, for the camat to read
    before signing: marked "preview" on every page, the number not drawn yet (it is
    drawn when signed), no QR code. Nothing is saved."""
    draft = copy.copy(application)
    now = timezone.now()
    draft.result_number = _("(given when signed)")
    draft.issued_at = now
    days = (
        IssuanceSettings.objects.filter(service_id=application.service_id)
        .values_list("validity_days", flat=True)
        .first()
    )
    draft.valid_until = timezone.localdate(now) + timedelta(days=days) if days else None
    return result_pdf(application=draft, verify_url="", preview=True)


def result_pdf(*, application: Application, verify_url: str, preview: bool = False) -> bytes:
    """The issued document: the letterhead (kop surat) of the pemda and the kecamatan
    office, the title and number once, the admin template filled in, the camat's
    signature block and a QR code to the verification page."""
    template = (
        IssuanceSettings.objects.filter(service_id=application.service_id)
        .values_list("template", flat=True)
        .first()
    ) or DEFAULT_RESULT_TEMPLATE
    html = render_to_string(
        "forms_builder/result_pdf.html",
        {
            "application": application,
            "letterhead": letterhead_for(application.kecamatan),
            "body": render_placeholders(template, result_placeholders(application)),
            "issued_on": long_date(application.issued_at),
            "valid_until": long_date(application.valid_until),
            "verify_url": verify_url,
            "qr_data_uri": qr_data_uri(verify_url) if verify_url else "",
            "preview": preview,
        },
    )
    return html_to_pdf(html)


def receipt_pdf(*, application: Application, tracker_url: str) -> bytes:
    """The receipt (tanda terima): the tracking code and a QR code to the tracker."""
    html = render_to_string(
        "forms_builder/receipt_pdf.html",
        {
            "application": application,
            "tracker_url": tracker_url,
            "qr_data_uri": qr_data_uri(tracker_url),
            "submitted_on": long_date(application.submitted_at),
        },
    )
    return html_to_pdf(html)
