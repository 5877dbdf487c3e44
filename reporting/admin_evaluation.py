"""Kecamatan evaluation in the Wagtail admin (issue #7): one "Kecamatan evaluation" menu.

- instruments, aspects (with their indicators inline) and periods: pemda admin
  (model permissions). A save is refused, with the message on the row concerned, when
  weights don't total 100 % (if the instrument requires it), an indicator has no usable
  scoring rule or metric, or a code is used twice; what is merely not finished yet (no
  aspect, an aspect without indicators) is saved with a warning from
  ``instrument_validate``. An instrument used by a closed period cannot be changed;
- closing a period (``period_close``);
- the kecamatan's evidence: camat and back office report the value and files of each
  evidence indicator of the open periods (``evidence_submit``);
- the verification queue of the evaluators (``evidence_verify``), with the evidence
  files streamed from private storage after a scope check;
- the scoreboard: the ranking of every kecamatan for pemda-wide staff, the own
  kecamatan against the targets and the kabupaten average for kecamatan staff.

Every rule lives in ``reporting.evaluation.services`` (writes) and ``selectors``
(reads); the views here only check who may open a page and show the Indonesian
messages of ``EvaluationError``. Imported from ``reporting/wagtail_hooks.py``.
"""

import json
import os
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from paten.accounts.constants import Role
from paten.accounts.selectors import kecamatan_scope_for, roles_of
from paten.audit.services import audit_record
from paten.regions.models import Kecamatan
from reporting.evaluation.scoring import display, weights_problem
from reporting.evaluation.selectors import scoreboard_for_user
from reporting.evaluation.services import (
    REPORTER_ROLES,
    VERIFIER_ROLES,
    EvaluationError,
    evidence_submit,
    evidence_verify,
    indicator_problems,
    instrument_validate,
    period_close,
    value_correct,
)
from reporting.models import (
    EvaluationAspect,
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    Evidence,
    IndicatorValue,
    Source,
)

#: Pemda-wide staff who see the whole ranking.
RANKING_ROLES = frozenset({Role.ADMIN_PEMDA, Role.EVALUATOR})

DASHBOARD = "evaluation_dashboard"
EVIDENCE = "evaluation_evidence"
VERIFICATION = "evaluation_verification"
PERIODS = "evaluation_periods"


# -- who may do what ------------------------------------------------------------------

_ROLES_ATTR = "_paten_evaluation_roles"


def _roles(user) -> set[str]:
    """``roles_of`` once per user object (the menu asks several times per page)."""
    if not user.is_authenticated:
        return set()
    roles = getattr(user, _ROLES_ATTR, None)
    if roles is None:
        roles = roles_of(user)
        setattr(user, _ROLES_ATTR, roles)
    return roles


def user_may_report(user) -> bool:
    """Camat and back office of a kecamatan (never a pemda-wide user)."""
    scope = kecamatan_scope_for(user)
    return bool(_roles(user) & REPORTER_ROLES) and not scope.is_pemda_wide and not scope.is_empty


def user_may_verify(user) -> bool:
    return user.is_superuser or bool(_roles(user) & VERIFIER_ROLES)


def user_sees_ranking(user) -> bool:
    """The whole ranking: pemda admins and evaluators with a pemda-wide scope."""
    scope = kecamatan_scope_for(user)
    return scope.is_pemda_wide and (user.is_superuser or bool(_roles(user) & RANKING_ROLES))


def user_may_correct(user) -> bool:
    """Only a pemda admin corrects a frozen or verified value (``value_correct``)."""
    return user.is_superuser or Role.ADMIN_PEMDA in _roles(user)


def user_may_see_dashboard(user) -> bool:
    return user_sees_ranking(user) or user_may_report(user)


def decimal_label(value, places: int = 2) -> str:
    """A number as shown in the admin's language (``85,50`` in Indonesian), or a dash."""
    if value is None:
        return "—"
    return number_format(display(Decimal(value), places), decimal_pos=places)


def _error_text(error: EvaluationError) -> str:
    return " ".join(error.messages)


# -- instruments, aspects and indicators ----------------------------------------------


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
                % {"problems": _error_text(error)},
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
                panels=[FieldPanel("name"), FieldPanel("weight"), FieldPanel("sort_order")],
            ),
        ],
        base_form_class=InstrumentForm,
    )


INDICATOR_PANELS = [
    FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
    FieldPanel("description"),
    FieldRowPanel([FieldPanel("weight"), FieldPanel("unit"), FieldPanel("sort_order")]),
    FieldRowPanel([FieldPanel("direction"), FieldPanel("target")]),
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
            FieldRowPanel([FieldPanel("name"), FieldPanel("weight"), FieldPanel("sort_order")]),
            InlinePanel(
                "indicators",
                heading=gettext_lazy("Indicators"),
                label=gettext_lazy("Indicator"),
                panels=[MultiFieldPanel(INDICATOR_PANELS)],
            ),
        ],
        base_form_class=AspectForm,
    )


# -- periods ----------------------------------------------------------------------------


def installation_kecamatan():
    return Kecamatan.objects.filter(code__startswith=f"{settings.PATEN_KABUPATEN_KOTA}.").order_by(
        "name"
    )


class PeriodForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = installation_kecamatan()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status == EvaluationPeriod.Status.CLOSED:
            changed = set(self.changed_data) - {"public_ranking", "name"}
            if changed:
                raise forms.ValidationError(
                    _("The period is closed: only its name and the public ranking may change.")
                )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("The last day must not be before the first day."))
        return cleaned


class PeriodActionsColumn(Column):
    """The ranking of a period, and "Close the period" for whoever may close it."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        ranking = f"{reverse(f'{DASHBOARD}:index')}?period={instance.pk}"
        links = [(ranking, _("Ranking"))]
        if (
            instance.status == EvaluationPeriod.Status.OPEN
            and request is not None
            and request.user.has_perm("reporting.change_evaluationperiod")
        ):
            links.append((reverse(f"{PERIODS}:close", args=[instance.pk]), _("Close the period")))
        context["value"] = format_html_join(" · ", '<a href="{}">{}</a>', links)
        return context


class PeriodViewSet(ModelViewSet):
    model = EvaluationPeriod
    icon = "date"
    menu_label = gettext_lazy("Evaluation periods")
    url_prefix = "evaluasi/periode"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_filter = ["status", "instrument"]
    list_display = [
        "name",
        Column("instrument", label=gettext_lazy("Instrument"), accessor="instrument"),
        "start_date",
        "end_date",
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        BooleanColumn("public_ranking", label=gettext_lazy("Public ranking")),
        PeriodActionsColumn("actions", label=gettext_lazy("Actions"), accessor="pk"),
    ]
    inspect_view_fields = [
        "name",
        "instrument",
        "start_date",
        "end_date",
        "kecamatan",
        "status",
        "closed_at",
        "public_ranking",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("instrument"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("kecamatan", widget=forms.CheckboxSelectMultiple),
            FieldPanel("public_ranking"),
        ],
        base_form_class=PeriodForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/tutup/", period_close_view, name="close"),
        ]


def period_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and close (POST) a period through ``period_close``."""
    if not request.user.has_perm("reporting.change_evaluationperiod"):
        raise PermissionDenied
    period = get_object_or_404(EvaluationPeriod.objects.select_related("instrument"), pk=pk)
    if request.method == "POST":
        try:
            frozen = period_close(period=period, actor=request.user)
        except EvaluationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Period %(period)s closed; %(n)s computed values frozen.")
                % {"period": period.name, "n": len(frozen)},
            )
            return redirect(f"{reverse(f'{DASHBOARD}:index')}?period={period.pk}")
        period.refresh_from_db()
    pending = IndicatorValue.objects.filter(
        period=period, status=IndicatorValue.Status.SUBMITTED
    ).count()
    return TemplateResponse(
        request,
        "reporting/admin/evaluation/period_close.html",
        {
            "header_title": _("Close the period"),
            "page_title": _("Close the period"),
            "page_subtitle": period.name,
            "header_icon": "date",
            "period": period,
            "is_open": period.status == EvaluationPeriod.Status.OPEN,
            "pending": pending,
            "kecamatan": list(period.kecamatan.order_by("name").values_list("name", flat=True)),
        },
    )


# -- the kecamatan's evidence -----------------------------------------------------------


def _reporter_or_403(request: HttpRequest):
    if not user_may_report(request.user):
        raise PermissionDenied
    return kecamatan_scope_for(request.user)


def evidence_index(request: HttpRequest) -> HttpResponse:
    """Every evidence indicator of the open periods, per kecamatan of the user."""
    scope = _reporter_or_403(request)
    periods = list(
        EvaluationPeriod.objects.filter(
            status=EvaluationPeriod.Status.OPEN, kecamatan__code__in=scope.codes
        )
        .distinct()
        .select_related("instrument")
        .prefetch_related(
            Prefetch(
                "kecamatan",
                queryset=Kecamatan.objects.filter(code__in=scope.codes).order_by("name"),
                to_attr="own_kecamatan",
            )
        )
    )
    indicators: dict[int, list] = {}
    for indicator in (
        EvaluationIndicator.objects.filter(
            aspect__instrument__in={p.instrument_id for p in periods}, source=Source.EVIDENCE
        )
        .select_related("aspect")
        .order_by("aspect__sort_order", "aspect_id", "sort_order", "id")
    ):
        indicators.setdefault(indicator.aspect.instrument_id, []).append(indicator)
    values = {
        (v.period_id, v.kecamatan_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(
            period__in=periods, kecamatan_id__in=scope.codes
        ).prefetch_related("evidence")
    }
    sections = []
    for period in periods:
        for kecamatan in period.own_kecamatan:
            rows = [
                {
                    "indicator": indicator,
                    "value": values.get((period.pk, kecamatan.code, indicator.pk)),
                    "url": reverse(
                        f"{EVIDENCE}:submit", args=[period.pk, kecamatan.code, indicator.pk]
                    ),
                }
                for indicator in indicators.get(period.instrument_id, [])
            ]
            for row in rows:
                row["value_label"] = decimal_label(row["value"].value) if row["value"] else "—"
            sections.append({"period": period, "kecamatan": kecamatan, "rows": rows})
    return TemplateResponse(
        request,
        "reporting/admin/evaluation/evidence_list.html",
        {
            "header_title": _("Our evidence"),
            "page_title": _("Our evidence"),
            "header_icon": "doc-full",
            "sections": sections,
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked as a file, the content by the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class EvidenceForm(forms.Form):
    value = forms.CharField(
        label=gettext_lazy("Value"),
        max_length=30,
        help_text=gettext_lazy("A number; a decimal comma is accepted."),
    )
    files = MultipleFileField(label=gettext_lazy("Evidence files"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note for the evaluator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_value(self) -> str:
        return self.cleaned_data["value"].strip().replace(" ", "").replace(",", ".")


def evidence_submit_view(request: HttpRequest, period_pk: int, code: str, indicator_pk: int):
    scope = _reporter_or_403(request)
    if not scope.allows(code):
        raise Http404
    period = get_object_or_404(EvaluationPeriod.objects.select_related("instrument"), pk=period_pk)
    kecamatan = get_object_or_404(period.kecamatan.all(), code=code)
    indicator = get_object_or_404(
        EvaluationIndicator.objects.select_related("aspect"),
        pk=indicator_pk,
        aspect__instrument_id=period.instrument_id,
        source=Source.EVIDENCE,
    )
    existing = (
        IndicatorValue.objects.filter(period=period, kecamatan_id=code, indicator=indicator)
        .prefetch_related("evidence")
        .first()
    )
    initial = {}
    if existing is not None and existing.value is not None:
        initial = {"value": decimal_label(existing.value, 4).rstrip("0").rstrip(",."), "note": ""}
    form = EvidenceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_submit(
                period=period,
                kecamatan=kecamatan,
                indicator=indicator,
                value=form.cleaned_data["value"],
                files=form.cleaned_data["files"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except EvaluationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Value of %(indicator)s submitted for verification.")
                % {"indicator": indicator.code},
            )
            return redirect(f"{EVIDENCE}:index")
    return TemplateResponse(
        request,
        "reporting/admin/evaluation/evidence_form.html",
        {
            "header_title": str(indicator),
            "page_title": _("Submit evidence"),
            "page_subtitle": f"{period.name} · {kecamatan.name}",
            "header_icon": "doc-full",
            "form": form,
            "period": period,
            "kecamatan": kecamatan,
            "indicator": indicator,
            "existing": existing,
            "target": decimal_label(indicator.target) if indicator.target is not None else "—",
            "closed": period.status != EvaluationPeriod.Status.OPEN,
        },
    )


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream an evidence file to staff of its kecamatan, pemda-wide staff and verifiers;
    anyone else gets a 404 (which does not confirm the file exists)."""
    evidence = Evidence.objects.select_related("value").filter(pk=pk).first()
    user = request.user
    if evidence is None:
        raise Http404
    scope = kecamatan_scope_for(user)
    if not (scope.allows(evidence.value.kecamatan_id) or user_may_verify(user)):
        raise Http404
    audit_record(
        actor=user,
        action="evaluation.evidence_downloaded",
        target=evidence.value,
        kecamatan=evidence.value.kecamatan_id,
        payload={"berkas": evidence.description, "sha256": evidence.sha256},
    )
    ext = os.path.splitext(evidence.file.name)[1].lower()
    content_types = {".pdf": "application/pdf", ".png": "image/png"}
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.description or f"bukti-{evidence.pk}{ext}",
        content_type=content_types.get(ext, "image/jpeg" if ext in {".jpg", ".jpeg"} else None),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- verification -----------------------------------------------------------------------


def _verifiable(user):
    """Submitted values the user may verify: not of their own kecamatan."""
    values = IndicatorValue.objects.filter(status=IndicatorValue.Status.SUBMITTED)
    scope = kecamatan_scope_for(user)
    if not scope.is_pemda_wide:
        values = values.exclude(kecamatan_id__in=scope.codes)
    return values


def verification_queue(request: HttpRequest) -> HttpResponse:
    if not user_may_verify(request.user):
        raise PermissionDenied
    values = list(
        _verifiable(request.user)
        .select_related("period", "kecamatan", "indicator", "submitted_by")
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )
    rows = [
        {
            "value": v,
            "value_label": decimal_label(v.value),
            "target": decimal_label(v.indicator.target),
        }
        for v in values
    ]
    return TemplateResponse(
        request,
        "reporting/admin/evaluation/queue.html",
        {
            "header_title": _("Evidence to verify"),
            "page_title": _("Evidence to verify"),
            "header_icon": "tick-inverse",
            "rows": rows,
        },
    )


@require_POST
def verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_may_verify(request.user):
        raise PermissionDenied
    value = get_object_or_404(
        IndicatorValue.objects.select_related("indicator", "kecamatan"), pk=pk
    )
    approve = request.POST.get("decision") == "approve"
    try:
        evidence_verify(
            value=value, actor=request.user, approve=approve, note=request.POST.get("note", "")
        )
    except EvaluationError as error:
        messages.error(request, _error_text(error))
    else:
        template = (
            _("%(indicator)s of %(kecamatan)s verified.")
            if approve
            else _("%(indicator)s of %(kecamatan)s rejected.")
        )
        messages.success(
            request, template % {"indicator": value.indicator.code, "kecamatan": value.kecamatan}
        )
    return redirect(f"{VERIFICATION}:index")


# -- scoreboard -------------------------------------------------------------------------


def _periods_for(user):
    periods = EvaluationPeriod.objects.select_related("instrument")
    if user_sees_ranking(user):
        return periods
    return periods.filter(kecamatan__code__in=kecamatan_scope_for(user).codes).distinct()


def _dashboard_period(request: HttpRequest):
    periods = list(_periods_for(request.user))
    chosen = request.GET.get("period", "")
    period = next((p for p in periods if str(p.pk) == chosen), periods[0] if periods else None)
    return periods, period


def dashboard(request: HttpRequest) -> HttpResponse:
    """The ranking (pemda-wide staff) or the own kecamatan with its rank of N, against the
    kabupaten average (kecamatan staff); a fixed number of queries."""
    user = request.user
    if not user_may_see_dashboard(user):
        raise PermissionDenied
    periods, period = _dashboard_period(request)
    context = {
        "header_title": _("Evaluation scoreboard"),
        "page_title": _("Evaluation scoreboard"),
        "header_icon": "table",
        "periods": periods,
        "period": period,
        "full": user_sees_ranking(user),
        "can_close": period is not None
        and period.status == EvaluationPeriod.Status.OPEN
        and user.has_perm("reporting.change_evaluationperiod"),
    }
    if period is not None:
        board = scoreboard_for_user(period=period, user=user)
        context.update(
            board=board,
            aspects=[{"name": a.name, "weight": decimal_label(a.weight)} for a in board.aspects],
            rows=[
                {
                    "row": row,
                    "aspects": [decimal_label(row.aspects[a.id]) for a in board.aspects],
                    "total": decimal_label(row.total),
                    "change": _change_label(row.change),
                    "url": reverse(f"{DASHBOARD}:kecamatan", args=[period.pk, row.code]),
                }
                for row in board.rows
            ],
            average_aspects=[decimal_label(board.average_aspects[a.id]) for a in board.aspects],
            average_total=decimal_label(board.average_total),
        )
    return TemplateResponse(request, "reporting/admin/evaluation/dashboard.html", context)


def _change_label(change) -> str:
    if change is None:
        return "—"
    shown = decimal_label(change)
    return f"+{shown}" if change > 0 else shown


def dashboard_kecamatan(request: HttpRequest, period_pk: int, code: str) -> HttpResponse:
    """One kecamatan's indicators: value, status, score, target, the kabupaten average of
    the score, and the evidence files."""
    user = request.user
    if not user_may_see_dashboard(user):
        raise PermissionDenied
    period = get_object_or_404(_periods_for(user), pk=period_pk)
    board = scoreboard_for_user(period=period, user=user)
    row = next((r for r in board.rows if r.code == code), None)
    if row is None:
        raise Http404
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(period=period, kecamatan_id=code).prefetch_related(
            "evidence"
        )
    }
    may_correct = user_may_correct(user)
    aspects = []
    for aspect in board.aspects:
        indicators = []
        for indicator in aspect.indicators:
            cell = row.indicators[indicator.code]
            stored = values.get(indicator.pk)
            indicators.append(
                {
                    "indicator": indicator,
                    "value": decimal_label(cell.value),
                    "status": IndicatorValue.Status(cell.status).label if cell.status else "",
                    "score": decimal_label(cell.score),
                    "average": decimal_label(board.average_indicators[indicator.code]),
                    "target": decimal_label(indicator.target),
                    "stored": stored,
                    "evidence": list(stored.evidence.all()) if stored else [],
                    "corrections": len(stored.inputs.get("koreksi", []))
                    if stored and isinstance(stored.inputs, dict)
                    else 0,
                    "correct_url": reverse(f"{DASHBOARD}:correct", args=[stored.pk])
                    if may_correct and stored and stored.counts
                    else "",
                }
            )
        aspects.append(
            {
                "name": aspect.name,
                "weight": decimal_label(aspect.weight),
                "score": decimal_label(row.aspects[aspect.id]),
                "average": decimal_label(board.average_aspects[aspect.id]),
                "indicators": indicators,
            }
        )
    return TemplateResponse(
        request,
        "reporting/admin/evaluation/kecamatan.html",
        {
            "header_title": row.name,
            "page_title": row.name,
            "page_subtitle": period.name,
            "header_icon": "table",
            "period": period,
            "row": row,
            "count": board.count,
            "total": decimal_label(row.total),
            "average_total": decimal_label(board.average_total),
            "aspects": aspects,
            "can_correct": may_correct,
            "back": f"{reverse(f'{DASHBOARD}:index')}?period={period.pk}",
        },
    )


class CorrectionForm(forms.Form):
    value = forms.CharField(
        label=gettext_lazy("Corrected value"),
        max_length=30,
        help_text=gettext_lazy("A number; a decimal comma is accepted."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Kept with the value and in the audit chain, e.g. the letter or finding that "
            "shows the recorded value is wrong."
        ),
    )

    def clean_value(self) -> str:
        return self.cleaned_data["value"].strip().replace(" ", "").replace(",", ".")


def value_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The pemda correction of a frozen computed value or a verified evidence value: the
    new value with a reason, the old value and the reason kept in the value's inputs and
    in the audit chain (``value_correct``). Earlier corrections are listed."""
    if not user_may_correct(request.user):
        raise PermissionDenied
    value = get_object_or_404(
        IndicatorValue.objects.select_related("period", "kecamatan", "indicator"), pk=pk
    )
    back = reverse(f"{DASHBOARD}:kecamatan", args=[value.period_id, value.kecamatan_id])
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            value_correct(
                value=value,
                new_value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except EvaluationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("The value of %(indicator)s for %(kecamatan)s was corrected.")
                % {"indicator": value.indicator.code, "kecamatan": value.kecamatan},
            )
            return redirect(back)
    history = value.inputs.get("koreksi", []) if isinstance(value.inputs, dict) else []
    return TemplateResponse(
        request,
        "reporting/admin/evaluation/correct.html",
        {
            "header_title": _("Correct a value"),
            "page_title": _("Correct a value"),
            "page_subtitle": f"{value.indicator} · {value.kecamatan} · {value.period}",
            "header_icon": "edit",
            "form": form,
            "value": value,
            "value_label": decimal_label(value.value),
            "history": [
                {
                    **item,
                    "old": decimal_label(item.get("nilai_lama")),
                    "new": decimal_label(item.get("nilai_baru")),
                    "at": parse_datetime(item.get("pada") or ""),
                }
                for item in history
            ],
            "back": back,
        },
    )


# -- menu -------------------------------------------------------------------------------


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_see_dashboard(request.user)


class EvidenceMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_report(request.user)


class VerificationMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_verify(request.user)


class DashboardViewSet(ViewSet):
    name = DASHBOARD
    url_prefix = "evaluasi/peringkat"
    icon = "table"
    menu_label = gettext_lazy("Scoreboard")
    menu_item_class = DashboardMenuItem

    def get_urlpatterns(self):
        return [
            path("", dashboard, name="index"),
            path("<int:period_pk>/<str:code>/", dashboard_kecamatan, name="kecamatan"),
            path("nilai/<int:pk>/koreksi/", value_correct_view, name="correct"),
        ]


class EvidenceViewSet(ViewSet):
    name = EVIDENCE
    url_prefix = "evaluasi/bukti"
    icon = "doc-full"
    menu_label = gettext_lazy("Our evidence")
    menu_item_class = EvidenceMenuItem

    def get_urlpatterns(self):
        return [
            path("", evidence_index, name="index"),
            path(
                "<int:period_pk>/<str:code>/<int:indicator_pk>/",
                evidence_submit_view,
                name="submit",
            ),
            path("berkas/<int:pk>/", evidence_download, name="download"),
        ]


class VerificationViewSet(ViewSet):
    name = VERIFICATION
    url_prefix = "evaluasi/verifikasi"
    icon = "tick-inverse"
    menu_label = gettext_lazy("Evidence to verify")
    menu_item_class = VerificationMenuItem

    def get_urlpatterns(self):
        return [
            path("", verification_queue, name="index"),
            path("<int:pk>/", verify_view, name="verify"),
        ]


class EvaluationMenuGroup(ViewSetGroup):
    menu_label = gettext_lazy("Kecamatan evaluation")
    menu_name = "kecamatan_evaluation"
    menu_icon = "table"
    menu_order = 230
    items = (
        DashboardViewSet(),
        EvidenceViewSet(),
        VerificationViewSet(),
        PeriodViewSet(PERIODS),
        InstrumentViewSet("evaluation_instruments"),
        AspectViewSet("evaluation_aspects"),
    )


@hooks.register("register_admin_viewset")
def register_evaluation_viewsets():
    return EvaluationMenuGroup()
