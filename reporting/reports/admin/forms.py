"""Forms of the report admin: request a run, filter the archive, set up a schedule."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from paten.accounts.selectors import kecamatan_scope_for
from paten.ppid import permissions as ppid_permissions
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan_for
from reporting.models import RelativePeriod, ReportFormat, ReportKind, ReportStatus
from reporting.reports.admin.labels import region_label
from reporting.reports.schedules import relative_period
from reporting.reports.selectors import report_kinds, report_kinds_for
from reporting.survey.permissions import user_may_take_suggestions

#: Quick choices of the request form; "other dates" uses the two date fields.
QUICK_PERIODS = (
    RelativePeriod.LAST_MONTH,
    RelativePeriod.THIS_MONTH,
    RelativePeriod.LAST_QUARTER,
    RelativePeriod.LAST_YEAR,
)
OTHER_DATES = "tanggal"
#: The PPID registers list requesters: their personal data is masked unless asked for.
PPID_REGISTERS = (ReportKind.PPID_REQUEST_REGISTER, ReportKind.PPID_OBJECTION_REGISTER)


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(widget=forms.HiddenInput)
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        widget=forms.RadioSelect,
        initial=RelativePeriod.LAST_MONTH,
    )
    start = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kecamatan = forms.ModelChoiceField(label=gettext_lazy("Kecamatan"), queryset=Region.objects)
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Files"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = report_kinds_for(user=user)
        self.fields["kind"].choices = [(k, ReportKind(k).label) for k in kinds]
        self.fields["kind"].initial = kind
        self.fields["period"].choices = [
            *((p.value, p.label) for p in QUICK_PERIODS),
            (OTHER_DATES, _("Other dates")),
        ]
        kecamatan = self.fields["kecamatan"]
        kecamatan.queryset = installation_kecamatan_for(user=user)
        kecamatan.label_from_instance = region_label
        if kecamatan_scope_for(user).is_pemda_wide:
            kecamatan.required = False
            kecamatan.empty_label = _("Whole kabupaten/kota")
        else:
            kecamatan.empty_label = None
        formats = kinds[kind].formats
        self.fields["formats"].choices = [(f, ReportFormat(f).label) for f in formats]
        self.fields["formats"].initial = [
            ReportFormat.XLSX if ReportFormat.XLSX in formats else formats[0]
        ]
        if kind == ReportKind.IKM and user_may_take_suggestions(user):
            self.fields["include_suggestions"] = forms.BooleanField(
                label=_("Include the respondents' suggestions"),
                required=False,
                help_text=_("Free text written by citizens: share the file with care."),
            )
        if kind in PPID_REGISTERS and ppid_permissions.may_see_personal_data(user):
            self.fields["personal_data"] = forms.BooleanField(
                label=_("Include the requesters' personal data unmasked"),
                required=False,
                help_text=_(
                    "Names, NIK, addresses and contacts in full; the request is recorded in "
                    "the audit log. Without it they are masked."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        period, start, end = cleaned.get("period"), cleaned.get("start"), cleaned.get("end")
        if period == OTHER_DATES:
            if not start or not end:
                self.add_error("start", _("Enter the first and the last day of the period."))
        elif period:
            if start or end:
                self.add_error("period", _("You entered dates: choose “Other dates” to use them."))
            else:
                cleaned["start"], cleaned["end"] = relative_period(
                    period, today=timezone.localdate()
                )
        return cleaned

    @property
    def options(self) -> dict:
        options = {}
        if self.cleaned_data.get("include_suggestions"):
            options["include_suggestions"] = True
        if self.cleaned_data.get("personal_data"):
            options["personal_data"] = True
        return options


class RunFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report"),
        required=False,
        choices=[("", gettext_lazy("All reports")), *ReportKind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *ReportStatus.choices],
    )


class ReportScheduleForm(WagtailAdminModelForm):
    kind = forms.ChoiceField(label=capfirst(gettext_lazy("kind")))
    kecamatan = forms.ModelChoiceField(
        label=capfirst(gettext_lazy("kecamatan")), queryset=Region.objects, required=False
    )
    formats = forms.MultipleChoiceField(
        label=capfirst(gettext_lazy("formats")),
        widget=forms.CheckboxSelectMultiple,
        choices=ReportFormat.choices,
        initial=[ReportFormat.XLSX],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        kinds = [
            k for k, definition in report_kinds_for(user=user).items() if definition.schedulable
        ]
        if self.instance.kind and self.instance.kind not in kinds:
            kinds.append(self.instance.kind)
        self.fields["kind"].choices = [(k, ReportKind(k).label) for k in kinds]
        kecamatan = self.fields["kecamatan"]
        kecamatan.queryset = installation_kecamatan_for(user=user)
        kecamatan.label_from_instance = region_label
        if kecamatan_scope_for(user).is_pemda_wide:
            kecamatan.empty_label = _("Whole kabupaten/kota")
            kecamatan.help_text = _("Empty: the whole kabupaten/kota.")
        else:
            kecamatan.required = True
            kecamatan.empty_label = None

    def clean_recipients(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["recipients"].splitlines()]
        addresses = [line for line in lines if line]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    _("“%(address)s” is not an email address.") % {"address": address}
                ) from None
        return "\n".join(addresses)

    def clean(self):
        cleaned = super().clean()
        kind, formats = cleaned.get("kind"), cleaned.get("formats")
        definition = report_kinds().get(kind)
        if definition is not None and not definition.schedulable:
            definition = None
        if definition is None and kind:
            self.add_error("kind", _("This report can no longer be scheduled."))
        elif definition is not None and formats:
            if any(f not in definition.formats for f in formats):
                self.add_error(
                    "formats",
                    _("This report is available as %(formats)s.")
                    % {"formats": ", ".join(f.upper() for f in definition.formats)},
                )
        return cleaned
