"""PDFs of the PPID (WeasyPrint): the request receipt and the letters.

A letter's text is the admin-edited ``ResponseTemplate`` of its kind. The template text
is escaped, then its ``{{ placeholder }}`` marks are replaced by escaped values with a
plain substitution (``forms_builder.pdf.render_placeholders``), never the Django template
engine: an editor's text can reach nothing but the values listed in ``letter_values``.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from forms_builder.pdf import qr_data_uri, render_placeholders
from paten import dates
from paten.pdf import html_to_pdf

from .constants import RequestState, TemplateKind
from .models import InformationRequest, Objection, PpidSettings, ResponseTemplate

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


def long_date(value) -> str:
    """“3 Desember 2026” in the installation's language (letters are Indonesian)."""
    with translation.override(settings.LANGUAGE_CODE):
        return dates.long_date(value)


def unit_name(request: InformationRequest, ppid_settings: PpidSettings) -> str:
    if request.kecamatan_id:
        return f"PPID Kecamatan {request.kecamatan.name}"
    return ppid_settings.utama_unit


def letter_values(
    *, request: InformationRequest, objection: Objection | None = None, tracker_url: str = ""
) -> dict[str, str]:
    """Every value a letter template may use, as text."""
    ppid_settings = PpidSettings.load()
    with translation.override(settings.LANGUAGE_CODE):
        decision = RequestState(request.state).label
        ground = request.exception_ground
        if ground is None and request.exempt_entry_id and request.exempt_entry.consequence_test_id:
            ground = request.exempt_entry.consequence_test.ground
        values = {
            "nomor_registrasi": request.registration_number,
            "tanggal_permohonan": long_date(request.received_at),
            "nama_pemohon": request.requester_name,
            "informasi_diminta": request.information_requested,
            "tujuan": request.purpose,
            "keputusan": str(decision),
            "catatan": request.decision_note,
            "bagian_dikecualikan": request.withheld_note,
            "dasar_pengecualian": str(ground) if ground else "",
            "tempat_informasi": request.not_held_where,
            "batas_waktu": long_date(request.due_at),
            "alasan_perpanjangan": request.extension_reason,
            "tanggal_surat": long_date(timezone.now()),
            "unit": unit_name(request, ppid_settings),
            "pejabat": ppid_settings.utama_name,
            "jabatan": ppid_settings.utama_position,
            "kode_lacak": request.display_code,
            "alamat_pelacak": tracker_url,
            "nomor_keberatan": "",
            "alasan_keberatan": "",
            "tanggapan": "",
            "batas_sengketa": "",
        }
        if objection is not None:
            values.update(
                nomor_keberatan=objection.registration_number,
                alasan_keberatan=f"{objection.get_ground_display()} {objection.reasons}".strip(),
                tanggapan=objection.answer,
                batas_sengketa=long_date(objection.dispute_due_on),
                pejabat=objection.answerer_name or ppid_settings.atasan_name,
                jabatan=objection.answerer_position or ppid_settings.atasan_position,
            )
    return values


def template_for(kind: str) -> ResponseTemplate:
    template = ResponseTemplate.objects.filter(kind=kind).first()
    if template is None:
        # The seeded templates were deleted: a plain default keeps letters going.
        with translation.override(settings.LANGUAGE_CODE):
            label = str(TemplateKind(kind).label)
        template = ResponseTemplate(
            kind=kind,
            title=label,
            body="Nomor registrasi: {{ nomor_registrasi }}\n\n{{ keputusan }}\n\n{{ catatan }}",
            email_subject=label + " — {{ nomor_registrasi }}",
            email_body="{{ keputusan }}\n\n{{ alamat_pelacak }}",
        )
    return template


def render_body_html(text: str, values: dict[str, str]) -> str:
    """Escape the editor's text, fill in the escaped values, keep paragraphs."""
    # Safe: the editor's text and every value were escaped just above.
    return mark_safe(linebreaks(render_placeholders(escape(text), values), autoescape=False))  # noqa: S308


def render_plain(text: str, values: dict[str, str]) -> str:
    """For e-mails (plain text): the values as they are."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def letter_pdf(
    *, kind: str, request: InformationRequest, objection: Objection | None = None
) -> bytes:
    """The letter of ``kind`` (a ``TemplateKind``) for ``request`` as a PDF."""
    template = template_for(kind)
    values = letter_values(request=request, objection=objection)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "ppid/letter_pdf.html",
            {
                "title": render_plain(template.title, values),
                "body": render_body_html(template.body, values),
                "values": values,
                "request": request,
                "objection": objection,
                "site_name": _pemda_name(),
            },
        )
    return html_to_pdf(html)


def receipt_pdf(*, request: InformationRequest, tracker_url: str) -> bytes:
    """The bukti permohonan: number, tracking code, dates, a QR code to the tracker."""
    ppid_settings = PpidSettings.load()
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "ppid/receipt_pdf.html",
            {
                "request": request,
                "unit": unit_name(request, ppid_settings),
                "received_on": long_date(request.received_at),
                "due_on": long_date(request.due_at),
                "tracker_url": tracker_url,
                "qr_data_uri": qr_data_uri(tracker_url),
                "site_name": _pemda_name(),
            },
        )
    return html_to_pdf(html)


def _pemda_name() -> str:
    from wagtail.models import Site

    from paten.site.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    return SiteSettings.for_site(site).pemda_name
