"""Evaluation periods: which kecamatan are evaluated with which instrument, and their
close (``period_close``), which freezes the computed values."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet

from paten.regions.selectors import installation_kecamatan
from reporting.evaluation.admin.common import (
    DASHBOARD,
    PERIODS,
    error_text,
)
from reporting.evaluation.permissions import (
    user_may_close_periods,
)
from reporting.evaluation.services import (
    EvaluationError,
    period_close,
)
from reporting.models import (
    EvaluationPeriod,
    IndicatorValue,
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
            and user_may_close_periods(request.user)
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
    if not user_may_close_periods(request.user):
        raise PermissionDenied
    period = get_object_or_404(EvaluationPeriod.objects.select_related("instrument"), pk=pk)
    if request.method == "POST":
        try:
            frozen = period_close(period=period, actor=request.user)
        except EvaluationError as error:
            messages.error(request, error_text(error))
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
