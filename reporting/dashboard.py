"""Dasbor: the satisfaction and evaluation panel of the Wagtail admin home page.

Added by the ``construct_homepage_panels`` hook in ``wagtail_hooks``; it lives here, not
in ``forms_builder``, because reporting depends on forms_builder and not the other way
round. Aggregates only: the IKM of the default survey period for the user's scope (the
kabupaten/kota for pemda-wide staff, each own kecamatan otherwise) and, for those who may
open the evaluation scoreboard, the kecamatan's rank in the newest closed evaluation
period. A fixed number of queries, whatever the number of responses or kecamatan.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from paten.accounts.selectors import kecamatan_scope_for
from paten.regions.models import Region
from reporting.evaluation.labels import decimal_label
from reporting.evaluation.permissions import user_may_see_dashboard
from reporting.evaluation.selectors import newest_closed_evaluation, scoreboard_for_user
from reporting.models import SurveyPeriod
from reporting.survey.ikm import display_ikm
from reporting.survey.permissions import user_may_view_responses
from reporting.survey.publication import KINERJA_LABELS
from reporting.survey.selectors import IkmSlice, Slice, ikm_for, period_default


@dataclass(frozen=True)
class IkmLine:
    name: str
    data: IkmSlice

    @property
    def ikm(self) -> Decimal | None:
        """IKM unit pelayanan on the 25–100 scale, 2 decimals (the value the mutu uses)."""
        return display_ikm(self.data.result.ikm_converted) if self.data.result else None

    @property
    def mutu(self) -> str:
        return str(self.data.result.mutu) if self.data.result else ""

    @property
    def kinerja_label(self) -> str:
        return str(KINERJA_LABELS[self.data.result.mutu]) if self.data.result else ""


@dataclass(frozen=True)
class RankLine:
    name: str
    rank: int
    count: int
    total: str


def ikm_lines_for(*, period: SurveyPeriod, user) -> list[IkmLine]:
    """The IKM of ``period`` as ``user`` may see it: the whole kabupaten/kota for
    pemda-wide staff, each of their kecamatan otherwise (two queries per slice, plus one
    for the names)."""
    scope = kecamatan_scope_for(user)
    if scope.is_pemda_wide:
        area = settings.PATEN_KABUPATEN_KOTA
        slices = [(area, Slice.of(period))]
    else:
        slices = [(code, Slice.of(period, kecamatan=code)) for code in sorted(scope.codes)]
    names = dict(
        Region.objects.filter(code__in=[code for code, _slice in slices]).values_list(
            "code", "name"
        )
    )
    # The dashboard shows the official figure only (weight 1/9), never the 0,111 variant.
    return [
        IkmLine(name=names.get(code, code), data=ikm_for(slice_, with_template=False))
        for code, slice_ in slices
    ]


class SatisfactionPanel(Component):
    name = "paten_satisfaction"
    order = 20  # after the applications panel, before Wagtail's own (210 and up)
    template_name = "reporting/admin/dashboard/satisfaction.html"

    def __init__(self, *, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        user = self.user
        period = period_default()
        context = {
            "period": period,
            "lines": ikm_lines_for(period=period, user=user) if period else [],
            "responses_url": reverse("survey_responses:index")
            + (f"?{urlencode({'period': period.pk})}" if period else ""),
            "evaluation": None,
        }
        if not user_may_see_dashboard(user):
            return context
        evaluation = newest_closed_evaluation()
        if evaluation is None:
            return context
        url = f"{reverse('evaluation_dashboard:index')}?{urlencode({'period': evaluation.pk})}"
        if kecamatan_scope_for(user).is_pemda_wide:
            # Pemda-wide staff see the whole ranking on the scoreboard: here the period and N.
            context["evaluation"] = {
                "period": evaluation,
                "count": evaluation.kecamatan.count(),
                "ranks": [],
                "url": url,
            }
            return context
        # Kecamatan staff get their own rows only, none when their kecamatan was not
        # evaluated in that period.
        board = scoreboard_for_user(period=evaluation, user=user)
        ranks = [
            RankLine(
                name=row.name, rank=row.rank, count=board.count, total=decimal_label(row.total)
            )
            for row in board.rows
        ]
        if ranks:
            context["evaluation"] = {
                "period": evaluation,
                "count": board.count,
                "ranks": ranks,
                "url": url,
            }
        return context


def satisfaction_panel_for(request) -> SatisfactionPanel | None:
    """The panel, for staff who may read the survey responses of some kecamatan."""
    user = request.user
    if not user_may_view_responses(user):
        return None
    return SatisfactionPanel(user=user)
