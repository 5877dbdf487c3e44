import json

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from paten.keys import key_from_label

from .constants import FILE_TYPE_CHOICES, StepTransition
from .durations import office_minutes, steps_fit_total


class FileTypesWidget(forms.CheckboxSelectMultiple):
    """Checkboxes for a JSON list of file types (``RequiredDocument.accepted_file_types``):
    the admin ticks PDF, JPEG, PNG instead of typing ``["pdf","jpg"]``. It hands the JSON
    form field the JSON text it parses, and reads that text back to tick the boxes."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=FILE_TYPE_CHOICES)

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = []
        return super().format_value(value if isinstance(value, list) else [])

    def value_from_datadict(self, data, files, name):
        return json.dumps(super().value_from_datadict(data, files, name))


def repeated_transitions_message(recorded: list[str]) -> str | None:
    """The error for workflow transitions chosen on more than one step, or None."""
    repeated = sorted({r for r in recorded if r and recorded.count(r) > 1})
    if not repeated:
        return None
    labels = dict(StepTransition.choices)
    return _("A transition records one step only; chosen for several steps: %(names)s") % {
        "names": ", ".join(str(labels[r]) for r in repeated)
    }


class ServicePageForm(WagtailAdminPageForm):
    """Checks that span several inline panels of a service."""

    def clean(self):
        cleaned = super().clean()
        steps = [
            (form.cleaned_data["duration_value"], form.cleaned_data["duration_unit"])
            for form in self.formsets["procedure_steps"].forms
            if form.is_valid()
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("duration_value")
        ]
        total = (cleaned.get("duration_value"), cleaned.get("duration_unit"))
        if steps and all(total) and not steps_fit_total(steps, total):
            needed = sum(office_minutes(v, u) for v, u in steps)
            self.add_error(
                "duration_value",
                _(
                    "The completion time is shorter than its steps, which add up to about "
                    "%(minutes)d office minutes."
                )
                % {"minutes": round(needed)},
            )
        self._assign_document_keys()
        recorded = [
            form.cleaned_data.get("recorded_by")
            for form in self.formsets["procedure_steps"].forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        message = repeated_transitions_message(recorded)
        if message:
            self.add_error(None, message)
        return cleaned

    def _assign_document_keys(self) -> None:
        """Give each new required document a key made from its name, unique within the
        service; a document that has one keeps it, whatever its name becomes."""
        forms = [
            form
            for form in self.formsets["required_documents"].forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        taken = {form.instance.key for form in forms if form.instance.key}
        for form in forms:
            if not form.instance.key:
                form.instance.key = key_from_label(
                    form.cleaned_data.get("name") or "",
                    taken=taken,
                    max_length=60,
                    fallback="dokumen",
                )
                taken.add(form.instance.key)
