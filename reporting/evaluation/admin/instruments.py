"""Evaluation instruments, and their aspects with the indicators inline (pemda admin,
model permissions).

A save is refused, with the message on the row concerned, when weights don't total
100 % (if the instrument requires it), an indicator has no usable scoring rule or
metric, or a code is used twice; what is merely not finished yet (no aspect, an aspect
without indicators) is saved with a warning from ``instrument_validate``. An
instrument used by a closed period cannot be changed.
"""

import json

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from paten.widgets import DecimalCommaInput
from reporting.evaluation.admin.common import (
    error_text,
)
from reporting.evaluation.scoring import weights_problem
from reporting.evaluation.services import (
    EvaluationError,
    indicator_problems,
    instrument_validate,
)
from reporting.models import (
    EvaluationAspect,
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    IndicatorValue,
)


class ThresholdsWidget(forms.Textarea):
    """The thresholds JSON as one ``bound=score`` line each (``80=100``).

    Lines are turned back into ``[{"bound": "80", "score": "100"}, …]``; a line that is
    not two numbers is kept as written, so that ``instrument_validate`` names it in its
    message instead of losing it. A decimal comma is accepted.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 4, "placeholder": "80=100\n60=75", **(attrs or {})})

    def format_value(self, value):
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return value
        if not isinstance(items, list):
            return value
        lines = []
        for item in items:
            if isinstance(item, dict) and {"bound", "score"} <= set(item):
                lines.append(f"{item['bound']}={item['score']}")
            else:
                return value
        return "\n".join(lines)

    def value_from_datadict(self, data, files, name):
        text = data.get(name)
        if text is None:
            return None
        items = []
        for line in str(text).splitlines():
            line = line.strip()
            if not line:
                continue
            bound, _sep, score = line.partition("=")
            items.append(
                {
                    "bound": bound.strip().replace(",", "."),
                    "score": score.strip().replace(",", "."),
                }
            )
        return json.dumps(items)


class ClosedPeriodGuardMixin:
    """Refuses changes to an instrument once a closed period has used it (the scores of
    that period are recomputed from these rules and must not move), and the removal of
    an aspect or indicator that already has values."""

    #: The inline formset, and the lookup from IndicatorValue to one of its rows.
    guarded_formset = ""
    values_lookup = ""

    def instruments_for_guard(self) -> list:
        """The instruments whose closed periods forbid this change: by default the
        form's instance itself, or the instrument it belongs to."""
        return [getattr(self.instance, "instrument", self.instance)]

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get(self.guarded_formset)
        if formset is not None and formset.is_valid():
            removed = [f.instance for f in formset.deleted_forms if f.instance.pk]
            used = IndicatorValue.objects.filter(**{f"{self.values_lookup}__in": removed})
            if removed and used.exists():
                raise forms.ValidationError(
                    _(
                        "An aspect or indicator that already has values in a period cannot "
                        "be removed."
                    )
                )
        instruments = [i.pk for i in self.instruments_for_guard() if i is not None and i.pk]
        if instruments:
            closed = EvaluationPeriod.objects.filter(
                instrument__in=instruments, status=EvaluationPeriod.Status.CLOSED
            )
            if closed.exists():
                raise forms.ValidationError(
                    _(
                        "This instrument is used by a closed period (%(period)s): changing it "
                        "would change published scores. Create a new instrument instead."
                    )
                    % {"period": closed.first()}
                )
        return cleaned


def _live_forms(formset) -> list:
    """The inline forms that will be saved: not empty extras, not marked for deletion
    (``formset`` has been validated)."""
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    return [
        form
        for form in formset.forms
        if (form.has_changed() or form.instance.pk) and form not in deleted
    ]


class InstrumentForm(ClosedPeriodGuardMixin, WagtailAdminModelForm):
    """Refuses aspect weights that don't total 100 % (when the instrument requires it),
    and switching that requirement on while an aspect's indicators don't total 100 %.
    An instrument without aspects yet may be saved: it is built in steps."""

    guarded_formset = "aspects"
    values_lookup = "indicator__aspect"

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("aspects")
        if not cleaned.get("weights_must_total_100") or formset is None:
            return cleaned
        if not formset.is_valid():
            return cleaned
        live = _live_forms(formset)
        weights = [form.cleaned_data.get("weight") or 0 for form in live]
        problem = weights_problem(weights, what="aspek") if live else None
        if problem:
            raise forms.ValidationError(
                _("%(problem)s Adjust the aspect weights below so that they total 100 %%.")
                % {"problem": problem}
            )
        saved = [form.instance.pk for form in live if form.instance.pk]
        for aspect in EvaluationAspect.objects.filter(pk__in=saved).prefetch_related("indicators"):
            indicators = list(aspect.indicators.all())
            problem = indicators and weights_problem(
                [i.weight for i in indicators], what=f"indikator pada aspek {aspect.name}"
            )
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


class AspectForm(ClosedPeriodGuardMixin, WagtailAdminModelForm):
    """Refuses, with the message on the row concerned: an indicator that cannot score
    (``indicator_problems``), an indicator code used twice in the instrument, indicator
    weights that don't total 100 % and an aspect weight that makes the instrument's
    aspects not total 100 % (when the instrument requires it)."""

    guarded_formset = "indicators"
    values_lookup = "indicator"

    def instruments_for_guard(self) -> list:
        # The instrument the aspect leaves, and the one it joins.
        before = self.instance.instrument if self.instance.pk else None
        return [before, self.cleaned_data.get("instrument")]

    def clean(self):
        cleaned = super().clean()
        instrument = cleaned.get("instrument")
        formset = self.formsets.get("indicators")
        if instrument is None or formset is None or not formset.is_valid():
            return cleaned
        live = _live_forms(formset)
        other_codes = set(
            EvaluationIndicator.objects.filter(aspect__instrument=instrument)
            .exclude(aspect_id=self.instance.pk)
            .values_list("code", flat=True)
        )
        seen: set[str] = set()
        for form in live:
            code = form.cleaned_data.get("code")
            if code in other_codes or code in seen:
                form.add_error(
                    "code", _("Code %(code)s is already used in this instrument.") % {"code": code}
                )
            seen.add(code)
            for field, message in indicator_problems(form.instance):
                form.add_error(field if field in form.fields else None, message)
        if not instrument.weights_must_total_100:
            return cleaned
        problem = live and weights_problem(
            [form.cleaned_data.get("weight") or 0 for form in live],
            what=f"indikator pada aspek {cleaned.get('name') or ''}".rstrip(),
        )
        if problem:
            self.add_error(None, problem)
        weight = cleaned.get("weight")
        if weight is not None:
            siblings = list(
                instrument.aspects.exclude(pk=self.instance.pk).values_list("weight", flat=True)
            )
            problem = weights_problem([*siblings, weight], what="aspek")
            if problem:
                self.add_error(
                    "weight",
                    _(
                        "%(problem)s The aspects of %(instrument)s must total 100 %%; set "
                        "all aspect weights together on the instrument page."
                    )
                    % {"problem": problem, "instrument": instrument},
                )
        return cleaned


class InstrumentCheckMixin:
    """After a save, check the whole instrument. The forms have refused what is wrong;
    what remains is what is not finished yet (an instrument is built in steps: aspects
    first, then their indicators), shown as a warning while the editor stays on the
    edit page."""

    def checked_instrument(self):
        return self.object

    def form_valid(self, form):
        response = super().form_valid(form)
        instrument = self.checked_instrument()
        try:
            instrument_validate(instrument=instrument)
        except EvaluationError as error:
            messages.warning(
                self.request,
                _("The instrument cannot score yet: %(problems)s")
                % {"problems": error_text(error)},
            )
            return redirect(self.edit_url_name, self.object.pk)
        return response


class InstrumentCreateView(InstrumentCheckMixin, generic.CreateView):
    pass


class InstrumentEditView(InstrumentCheckMixin, generic.EditView):
    pass


class AspectCreateView(InstrumentCheckMixin, generic.CreateView):
    def checked_instrument(self):
        return self.object.instrument


class AspectEditView(InstrumentCheckMixin, generic.EditView):
    def checked_instrument(self):
        return self.object.instrument


def aspects_link(instrument: EvaluationInstrument):
    url = reverse("evaluation_aspects:index")
    return format_html(
        '<a href="{}?instrument={}">{}</a>', url, instrument.pk, _("Aspects and indicators")
    )


class InstrumentViewSet(ModelViewSet):
    model = EvaluationInstrument
    icon = "list-ul"
    menu_label = gettext_lazy("Instruments")
    url_prefix = "evaluasi/instrumen"
    add_view_class = InstrumentCreateView
    edit_view_class = InstrumentEditView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "__str__",
        "year",
        BooleanColumn("weights_must_total_100", label=gettext_lazy("Weights total 100 %")),
        Column("aspects", label=gettext_lazy("Aspects"), accessor=aspects_link),
    ]
    inspect_view_fields = ["name", "year", "description", "weights_must_total_100"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("year")]),
            FieldPanel("description"),
            FieldPanel("weights_must_total_100"),
            InlinePanel(
                "aspects",
                heading=gettext_lazy("Aspects"),
                label=gettext_lazy("Aspect"),
                panels=[
                    FieldPanel("name"),
                    FieldPanel("weight", widget=DecimalCommaInput),
                    FieldPanel("sort_order"),
                ],
            ),
        ],
        base_form_class=InstrumentForm,
    )


INDICATOR_PANELS = [
    FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
    FieldPanel("description"),
    FieldRowPanel(
        [
            FieldPanel("weight", widget=DecimalCommaInput),
            FieldPanel("unit"),
            FieldPanel("sort_order"),
        ]
    ),
    FieldRowPanel([FieldPanel("direction"), FieldPanel("target", widget=DecimalCommaInput)]),
    FieldRowPanel(
        [
            FieldPanel("rule"),
            FieldPanel(
                "thresholds",
                widget=ThresholdsWidget,
                help_text=gettext_lazy(
                    "One threshold per line as bound=score, e.g. 80=100. For “higher is "
                    "better” a value at or above the bound gets the score; for “lower is "
                    "better”, at or below. Not used by the linear rule."
                ),
            ),
        ]
    ),
    FieldRowPanel([FieldPanel("source"), FieldPanel("metric")]),
    FieldRowPanel([FieldPanel("evidence_types"), FieldPanel("evidence_max_mb")]),
]


class AspectIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("instrument")
        instrument = self.request.GET.get("instrument")
        if instrument and instrument.isdigit():
            queryset = queryset.filter(instrument_id=instrument)
        return queryset


class AspectViewSet(ModelViewSet):
    model = EvaluationAspect
    icon = "list-ol"
    menu_label = gettext_lazy("Aspects and indicators")
    url_prefix = "evaluasi/aspek"
    index_view_class = AspectIndexView
    add_view_class = AspectCreateView
    edit_view_class = AspectEditView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    ordering = ["instrument", "sort_order", "id"]
    list_display = [
        "name",
        Column("instrument", label=gettext_lazy("Instrument"), accessor="instrument"),
        "weight",
        "sort_order",
    ]
    inspect_view_fields = ["instrument", "name", "weight", "sort_order"]
    edit_handler = ObjectList(
        [
            FieldPanel("instrument"),
            FieldRowPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("weight", widget=DecimalCommaInput),
                    FieldPanel("sort_order"),
                ]
            ),
            InlinePanel(
                "indicators",
                heading=gettext_lazy("Indicators"),
                label=gettext_lazy("Indicator"),
                panels=[MultiFieldPanel(INDICATOR_PANELS)],
            ),
        ],
        base_form_class=AspectForm,
    )
