"""The kecamatan's evidence: camat and back office report the value and files of each
evidence indicator of the open periods (``evidence_submit``); the files are streamed
from private storage after a scope check."""

import os
from functools import partial

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms_builder.validators import (
    SNIFF_BYTES,
    content_type_for,
    extension_for,
    sniff_file_type,
)
from paten.accounts.selectors import kecamatan_scope_for
from paten.audit.services import audit_record
from paten.files import private_file_response
from paten.regions.models import Kecamatan
from reporting.common.menu import RulePagesViewSet
from reporting.evaluation.admin.common import (
    EVIDENCE,
    saved_through,
)
from reporting.evaluation.labels import decimal_label
from reporting.evaluation.permissions import (
    user_may_download_evidence,
    user_may_report,
)
from reporting.evaluation.services import (
    evidence_submit,
)
from reporting.models import (
    EvaluationIndicator,
    EvaluationPeriod,
    Evidence,
    IndicatorValue,
    Source,
)


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
        submit = partial(
            evidence_submit,
            period=period,
            kecamatan=kecamatan,
            indicator=indicator,
            value=form.cleaned_data["value"],
            files=form.cleaned_data["files"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        success = _("Value of %(indicator)s submitted for verification.") % {
            "indicator": indicator.code
        }
        if saved_through(request, form, submit, success=success):
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
    """Stream an evidence file to the reporters of its kecamatan and to the verifiers
    (``permissions.user_may_download_evidence``); anyone else gets a 404 (which does not
    confirm the file exists)."""
    evidence = Evidence.objects.select_related("value").filter(pk=pk).first()
    user = request.user
    if evidence is None:
        raise Http404
    if not user_may_download_evidence(user, kecamatan_code=evidence.value.kecamatan_id):
        raise Http404
    audit_record(
        actor=user,
        action="evaluation.evidence_downloaded",
        target=evidence.value,
        kecamatan=evidence.value.kecamatan_id,
        payload={"berkas": evidence.description, "sha256": evidence.sha256},
    )
    # Served as the type its content is, under that type's extension, whatever the
    # uploader called it (files stored before were named by the uploader's extension).
    stream = evidence.file.open("rb")
    content_type = content_type_for(sniff_file_type(stream.read(SNIFF_BYTES)))
    stream.seek(0)
    stem = os.path.splitext(evidence.description)[0].strip() or f"bukti-{evidence.pk}"
    return private_file_response(
        stream, filename=f"{stem}{extension_for(content_type)}", content_type=content_type
    )


class EvidenceViewSet(RulePagesViewSet):
    name = EVIDENCE
    url_prefix = "evaluasi/bukti"
    icon = "doc-full"
    menu_label = gettext_lazy("Our evidence")
    rule = staticmethod(user_may_report)

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
