"""The verification queue of the evaluators (``evidence_verify``): submitted values of
other kecamatan than their own."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reporting.common.menu import RulePagesViewSet
from reporting.evaluation.admin.common import (
    VERIFICATION,
    error_text,
)
from reporting.evaluation.labels import decimal_label
from reporting.evaluation.permissions import (
    user_may_verify,
)
from reporting.evaluation.selectors import (
    values_to_verify_for,
)
from reporting.evaluation.services import (
    EvaluationError,
    evidence_verify,
)
from reporting.models import (
    IndicatorValue,
)


def verification_queue(request: HttpRequest) -> HttpResponse:
    if not user_may_verify(request.user):
        raise PermissionDenied
    values = list(
        values_to_verify_for(user=request.user)
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
        messages.error(request, error_text(error))
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


class VerificationViewSet(RulePagesViewSet):
    name = VERIFICATION
    url_prefix = "evaluasi/verifikasi"
    icon = "tick-inverse"
    menu_label = gettext_lazy("Evidence to verify")
    rule = staticmethod(user_may_verify)

    def get_urlpatterns(self):
        return [
            path("", verification_queue, name="index"),
            path("<int:pk>/", verify_view, name="verify"),
        ]
