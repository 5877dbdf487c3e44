"""The evaluation scoreboard: the ranking of every kecamatan for pemda-wide staff, the
own kecamatan against the targets and the kabupaten average for kecamatan staff, and
the pemda correction of a frozen or verified value (``value_correct``)."""

from functools import partial

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.common.menu import RulePagesViewSet
from reporting.evaluation.admin.common import (
    DASHBOARD,
    saved_through,
)
from reporting.evaluation.labels import decimal_label
from reporting.evaluation.permissions import (
    user_may_close_periods,
    user_may_correct,
    user_may_see_dashboard,
    user_sees_ranking,
)
from reporting.evaluation.selectors import (
    periods_for_user,
    scoreboard_for_user,
)
from reporting.evaluation.services import (
    value_correct,
)
from reporting.models import (
    EvaluationPeriod,
    IndicatorValue,
)


def _dashboard_period(request: HttpRequest):
    periods = list(periods_for_user(user=request.user))
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
        and user_may_close_periods(user),
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
    period = get_object_or_404(periods_for_user(user=user), pk=period_pk)
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
        correct = partial(
            value_correct,
            value=value,
            new_value=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        success = _("The value of %(indicator)s for %(kecamatan)s was corrected.") % {
            "indicator": value.indicator.code,
            "kecamatan": value.kecamatan,
        }
        if saved_through(request, form, correct, success=success):
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


class DashboardViewSet(RulePagesViewSet):
    name = DASHBOARD
    url_prefix = "evaluasi/peringkat"
    icon = "table"
    menu_label = gettext_lazy("Scoreboard")
    rule = staticmethod(user_may_see_dashboard)

    def get_urlpatterns(self):
        return [
            path("", dashboard, name="index"),
            path("<int:period_pk>/<str:code>/", dashboard_kecamatan, name="kecamatan"),
            path("nilai/<int:pk>/koreksi/", value_correct_view, name="correct"),
        ]
