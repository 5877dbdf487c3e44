"""Services of forms_builder (writes and rules). Import from here.

``forms``: form definitions and their published versions; ``applications``: intake,
workflow and issuance.
"""

from .applications import (
    Applicant,
    TransitionNotAllowed,
    application_documents_replace,
    application_submit,
    application_transition,
    application_transitions_for,
)
from .forms import (
    form_version_current,
    form_version_publish,
    form_version_publish_on_signal,
    service_form_validate,
)

__all__ = [
    "Applicant",
    "TransitionNotAllowed",
    "application_documents_replace",
    "application_submit",
    "application_transition",
    "application_transitions_for",
    "form_version_current",
    "form_version_publish",
    "form_version_publish_on_signal",
    "service_form_validate",
]
