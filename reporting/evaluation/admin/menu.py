"""The "Kecamatan evaluation" menu group (registered by ``reporting.wagtail_hooks``).

Every rule lives in ``reporting.evaluation.services`` (writes), ``selectors`` (reads)
and ``permissions`` (who may open a page); the pages only show the Indonesian messages
of ``EvaluationError``.
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from reporting.evaluation.admin.common import PERIODS
from reporting.evaluation.admin.evidence import EvidenceViewSet
from reporting.evaluation.admin.instruments import AspectViewSet, InstrumentViewSet
from reporting.evaluation.admin.periods import PeriodViewSet
from reporting.evaluation.admin.scoreboard import DashboardViewSet
from reporting.evaluation.admin.verification import VerificationViewSet


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
