"""The Content-Security-Policy middleware: the policy of settings, plus two exceptions.

Public pages get ``CONTENT_SECURITY_POLICY`` as it is: scripts and styles only from
this server, nothing inline. Two exceptions, each as narrow as it can be:

- The self-contained error pages (``error_page.html``, which ``404.html`` and
  ``500.html`` extend) carry their own small ``<style>`` so they render when nothing
  else works; error responses allow exactly those style blocks by their SHA-256 hash.
- Wagtail's admin (under ``/admin/``) is not yet written for a strict policy: it gets
  ``ADMIN_ALLOWANCES``, each with the reason, and only there.
"""

import base64
import hashlib
import re
from functools import cache

from django.template import TemplateDoesNotExist, engines
from django.urls import reverse

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

# Templates rendered for error responses that inline their stylesheet on purpose: the
# error pages extend error_page.html, which holds the one style block.
SELF_CONTAINED_TEMPLATES = ("error_page.html", "400.html", "404.html", "413.html", "500.html")

ADMIN_ALLOWANCES: dict[str, list[str]] = {
    # Wagtail 8 renders inline <script> elements to start InlinePanel and
    # MultipleChooserPanel forms, the date/time pickers and chooser widgets
    # (wagtail/admin/templates/wagtailadmin/panels/inline_panel.html,
    # widgets/date_input.html, wagtail/admin/widgets/chooser.py), also inside <template>
    # elements that are cloned later, so neither hashes nor nonces can cover them.
    "script-src": [UNSAFE_INLINE],
    # Wagtail's admin templates and its JavaScript (Draftail, the minimap, tooltips,
    # the collapsible panels) set style="" attributes, which only 'unsafe-inline' allows.
    "style-src": [UNSAFE_INLINE],
    # Wagtail's admin stylesheet (wagtailadmin/css/core.css) draws some icons from data: URLs.
    "img-src": ["data:"],
}

_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


@cache
def self_contained_style_hashes() -> tuple[str, ...]:
    """``'sha256-…'`` of every ``<style>`` block of the self-contained error templates."""
    hashes = []
    for name in SELF_CONTAINED_TEMPLATES:
        try:
            template = engines["django"].get_template(name)
        except TemplateDoesNotExist:
            continue
        source = template.template.source
        for block in _STYLE_BLOCK.findall(source):
            digest = hashlib.sha256(block.encode()).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return tuple(dict.fromkeys(hashes))


class PatenCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        extra: dict[str, list[str]] = {}
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            extra = ADMIN_ALLOWANCES
        elif response.status_code >= 400:
            extra = {"style-src": list(self_contained_style_hashes())}
        if extra:
            update = {key: list(values) for key, values in (parts.update or {}).items()}
            for directive, sources in extra.items():
                update.setdefault(directive, []).extend(sources)
            parts.update = update
        return parts
