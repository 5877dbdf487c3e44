"""Forms of the PPID: the public request and objection forms, the staff action forms and
the admin form of DIP entries (units limited to the user's scope).

Forms check shape and required fields; the rules live in ``services`` (a form never
decides a deadline or a permission).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from paten.accounts.selectors import kecamatan_scope_for
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan, installation_kecamatan_for

from .constants import (
    DeliveryMethod,
    DisputeOutcome,
    DisputeStage,
    InformationClass,
    ObjectionDecision,
    ObjectionGround,
    ObtainMethod,
    RequestChannel,
    RequesterKind,
    RequesterResponse,
    RequestState,
)

TEXT_MAX = 4000


def _kecamatan_queryset(user=None):
    if user is not None:
        return installation_kecamatan_for(user=user)
    return installation_kecamatan()


# -- admin: units limited to the scope ------------------------------------------------


class ScopedUnitAdminForm(WagtailAdminModelForm):
    """A snippet form whose ``kecamatan`` choices are the user's scope; a kecamatan user
    must choose one (only pemda-wide users keep rows at pemda level)."""

    unit_field = "kecamatan"

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get(self.unit_field)
        if field is not None and for_user is not None:
            field.queryset = _kecamatan_queryset(for_user)
            if not kecamatan_scope_for(for_user).is_pemda_wide:
                field.required = True
                field.empty_label = None
        test = self.fields.get("consequence_test")
        if test is not None and for_user is not None:
            from .models import ConsequenceTest

            test.queryset = kecamatan_scope_for(for_user).filter(
                ConsequenceTest.objects.select_related("ground"), field="kecamatan"
            )


class DipEntryAdminForm(ScopedUnitAdminForm):
    def clean(self):
        cleaned = super().clean()
        documents = self.formsets.get("documents")
        if cleaned.get("information_class") == InformationClass.EXEMPT and documents is not None:
            kept = [
                form
                for form in documents.forms
                if form.has_changed() and not documents._should_delete_form(form)  # noqa: SLF001
            ] + [
                form
                for form in documents.initial_forms
                if not documents._should_delete_form(form)  # noqa: SLF001
            ]
            if kept:
                raise ValidationError(_("Exempt information has no public documents: remove them."))
        return cleaned


# -- public: the request form ----------------------------------------------------------


class RequestForm(forms.Form):
    """The online request (Perki 1/2021 form): identity, contact, information, purpose."""

    kecamatan = forms.ModelChoiceField(
        label=_("Addressed to"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("PPID utama (the whole pemda)"),
        help_text=_("Choose a kecamatan if you know it holds the information."),
    )
    requester_kind = forms.ChoiceField(
        label=_("You request as"), choices=RequesterKind.choices, initial=RequesterKind.INDIVIDUAL
    )
    requester_name = forms.CharField(
        label=_("Full name (as on the KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    requester_nik = forms.CharField(
        label=_("NIK (16 digits on the KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    requester_address = forms.CharField(
        label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    requester_occupation = forms.CharField(label=_("Occupation"), max_length=120, required=False)
    requester_phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    requester_email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("The written notice is sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    information_requested = forms.CharField(
        label=_("Information you request"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    purpose = forms.CharField(
        label=_("What you will use it for"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    obtain_method = forms.ChoiceField(
        label=_("How you want to obtain it"),
        choices=ObtainMethod.choices,
        initial=ObtainMethod.COPY,
        widget=forms.RadioSelect,
    )
    delivery_method = forms.ChoiceField(
        label=_("How you want to receive a copy"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.DOWNLOAD,
        widget=forms.RadioSelect,
    )
    identity_file = forms.FileField(
        label=_("Copy of your KTP (PDF, JPEG or PNG, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = _kecamatan_queryset()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("requester_phone") and not cleaned.get("requester_email"):
            if "requester_email" not in self.errors:
                self.add_error(
                    "requester_email",
                    _("Give an e-mail address or a mobile number, so that the PPID can reach you."),
                )
        return cleaned


class DeskRequestForm(RequestForm):
    """A request registered at the desk (walk-in, letter, e-mail) by a PPID officer."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in RequestChannel.choices if c[0] != RequestChannel.ONLINE],
    )
    letter_file = forms.FileField(
        label=_("Scan of the request letter (optional)"),
        required=False,
    )

    field_order = ["channel", "kecamatan"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_file"].required = False
        self.fields["identity_file"].label = _("Copy of the KTP (optional at the desk)")
        self.fields["kecamatan"].queryset = _kecamatan_queryset(user)
        if user is not None and not kecamatan_scope_for(user).is_pemda_wide:
            self.fields["kecamatan"].required = True
            self.fields["kecamatan"].empty_label = None


class ObjectionForm(forms.Form):
    """An objection from the tracker (UU 14/2008 Pasal 35 grounds)."""

    ground = forms.ChoiceField(
        label=_("Ground of the objection"),
        choices=ObjectionGround.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Your reasons"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    proxy_name = forms.CharField(
        label=_("Filed by a representative (kuasa): name"), max_length=150, required=False
    )
    proxy_address = forms.CharField(
        label=_("Representative's address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proxy_name") and not cleaned.get("proxy_address"):
            self.add_error("proxy_address", _("Give the representative's address."))
        return cleaned


# -- staff actions ---------------------------------------------------------------------


class RouteForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Route to"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("PPID utama (take back)"),
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = _kecamatan_queryset()


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=7)
    reason = forms.CharField(
        label=_("Reason (sent to the requester)"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, max_days: int = 7, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh field: validators are shared between copies of a declared field.
        self.fields["days"] = forms.IntegerField(
            label=self.fields["days"].label, min_value=1, max_value=max_days
        )


DECISION_CHOICES = [
    (RequestState.GRANTED, RequestState.GRANTED.label),
    (RequestState.GRANTED_IN_PART, RequestState.GRANTED_IN_PART.label),
    (RequestState.REFUSED, RequestState.REFUSED.label),
    (RequestState.NOT_HELD, RequestState.NOT_HELD.label),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Answer (in the written notice)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    withheld = forms.CharField(
        label=_("Granted in part: what is withheld and why"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    exception_ground = forms.ModelChoiceField(
        label=_("Exception ground (UU 14/2008 Pasal 17)"), queryset=None, required=False
    )
    exempt_entry = forms.ModelChoiceField(
        label=_("Or the exempt DIP entry"), queryset=None, required=False
    )
    not_held_where = forms.CharField(
        label=_("Not held: where it may be held"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label=_("Answer documents (PDF, XLSX, JPEG, PNG)"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        from .models import DipEntry, ExceptionGround

        super().__init__(*args, **kwargs)
        self.fields["exception_ground"].queryset = ExceptionGround.objects.filter(active=True)
        entries = DipEntry.objects.filter(information_class=InformationClass.EXEMPT)
        if user is not None:
            entries = kecamatan_scope_for(user).filter(entries, field="kecamatan") | entries.filter(
                kecamatan__isnull=True
            )
        self.fields["exempt_entry"].queryset = entries.order_by("number")


class AnswerFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, XLSX, JPEG, PNG)"))


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("How the requester withdrew (letter, visit)"), max_length=1000, required=False
    )


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title in the DIP"), max_length=300)
    summary = forms.CharField(
        label=_("Summary (no personal data)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    retention = forms.CharField(label=_("Retention period"), max_length=120, initial="5 tahun")

    def __init__(self, *args, **kwargs):
        from .models import DipCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DipCategory.objects.all()


class DeskObjectionForm(ObjectionForm):
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in RequestChannel.choices if c[0] != RequestChannel.ONLINE],
    )


class ObjectionAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ObjectionDecision.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Answer (sent to the requester)"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ResponseForm(forms.Form):
    response = forms.ChoiceField(label=_("Requester's response"), choices=RequesterResponse.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class DisputeForm(forms.Form):
    registered_on = forms.DateField(
        label=_("Registered at the Komisi Informasi on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    case_number = forms.CharField(label=_("Case number"), max_length=100, required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=DisputeStage.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DisputeOutcome.choices)
    outcome_on = forms.DateField(
        label=_("Outcome on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note and implementation"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QueueFilterForm(forms.Form):
    SHOW_CHOICES = [
        ("", _("All requests")),
        ("terbuka", _("Open")),
        ("segera", _("Due soon")),
        ("terlambat", _("Overdue")),
        ("diperpanjang", _("Extended")),
    ]
    tampil = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)
    status = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *RequestState.choices], required=False
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    q = forms.CharField(label=_("Number or tracking code"), max_length=40, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import UNIT_PEMDA

        units = [("", _("All units"))]
        if user is None or kecamatan_scope_for(user).is_pemda_wide:
            units.append((UNIT_PEMDA, _("PPID utama")))
        units += [(r.code, r.name) for r in _kecamatan_queryset(user)]
        self.fields["unit"].choices = units
