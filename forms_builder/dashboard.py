"""Dasbor: the applications panel of the Wagtail admin home page.

Added by the ``construct_homepage_panels`` hook in ``wagtail_hooks``. Counts only, never
personal data. Every number comes from ONE grouped query through the scoping selector
``selectors.application_list_for_user``, so the panel costs the same whatever the
number of applications, and every number links to the work queue (``/admin/permohonan/``)
with the queue's own filters.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from paten.accounts.selectors import kecamatan_scope_for

from .constants import QUEUE_OPEN, QUEUE_WAITING
from .permissions import actor_roles, user_may_view_applications
from .selectors import application_list_for_user, overdue_q
from .workflow import OPEN_STATES, ApplicationState, states_waiting_for

#: A finished application counts in "finished this month" while in one of these states.
DELIVERED_STATES = frozenset({ApplicationState.FINISHED, ApplicationState.HANDED_OVER})


def _local_midnight(day: date) -> datetime:
    # The current time zone, as ``timezone.localdate()``: the installation's, or the one
    # the user chose in their Wagtail account.
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class KecamatanCounts:
    code: str
    name: str
    open: int = 0
    overdue: int = 0
    finished_this_month: int = 0


@dataclass
class ApplicationCounts:
    by_state: dict[str, int] = field(default_factory=dict)
    received_today: int = 0
    overdue: int = 0
    kecamatan: list[KecamatanCounts] = field(default_factory=list)  # by name

    @property
    def open(self) -> int:
        return sum(n for state, n in self.by_state.items() if state in OPEN_STATES)

    def total_in(self, states) -> int:
        return sum(self.by_state.get(state, 0) for state in states)


def application_counts_for_user(*, user, now: datetime | None = None) -> ApplicationCounts:
    """Counts of the applications ``user`` may see, per state and per kecamatan: received
    today (the local day), overdue (``overdue_q``, the queue's own filter) and finished this
    (local) month. One grouped query, whatever the number of applications."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    rows = (
        application_list_for_user(user=user)
        .order_by()  # the queue's ordering would end up in the GROUP BY
        .values("kecamatan_id", "kecamatan__name", "state")
        .annotate(
            total=Count("pk"),
            received_today=Count(
                "pk",
                filter=Q(
                    submitted_at__gte=_local_midnight(today),
                    submitted_at__lt=_local_midnight(today + timedelta(days=1)),
                ),
            ),
            overdue=Count("pk", filter=overdue_q(now)),
            finished_this_month=Count(
                "pk",
                filter=Q(
                    state__in=DELIVERED_STATES,
                    finished_at__gte=_local_midnight(month_start),
                    finished_at__lt=_local_midnight(next_month),
                ),
            ),
        )
    )
    counts = ApplicationCounts(by_state=dict.fromkeys(ApplicationState.values, 0))
    per_kecamatan: dict[str, KecamatanCounts] = {}
    for row in rows:
        counts.by_state[row["state"]] += row["total"]
        counts.received_today += row["received_today"]
        counts.overdue += row["overdue"]
        kecamatan = per_kecamatan.setdefault(
            row["kecamatan_id"],
            KecamatanCounts(code=row["kecamatan_id"], name=row["kecamatan__name"]),
        )
        if row["state"] in OPEN_STATES:
            kecamatan.open += row["total"]
        kecamatan.overdue += row["overdue"]
        kecamatan.finished_this_month += row["finished_this_month"]
    counts.kecamatan = sorted(per_kecamatan.values(), key=lambda k: (k.name, k.code))
    return counts


class ApplicationsPanel(Component):
    """Received today, open, overdue and waiting for the user, then every state; pemda-wide
    users also get a table per kecamatan."""

    name = "paten_applications"
    order = 10  # before Wagtail's own panels (210 and up)
    template_name = "forms_builder/admin/dashboard/applications.html"

    def __init__(self, *, user, roles: set[str], pemda_wide: bool):
        self.user = user
        self.waiting_states = states_waiting_for(roles)
        self.pemda_wide = pemda_wide

    def get_context_data(self, parent_context=None):
        counts = application_counts_for_user(user=self.user)
        queue = reverse("forms_builder_admin:queue")

        def filtered(**params) -> str:
            return f"{queue}?{urlencode(params)}"

        waiting = [s for s in ApplicationState.values if s in self.waiting_states]
        return {
            "counts": counts,
            "queue_url": queue,
            # Every number opens the queue with the filter that gives the same rows.
            "received_today_url": filtered(today="on"),
            "open_url": filtered(state=QUEUE_OPEN),
            "overdue_url": filtered(overdue="on"),
            "waiting": counts.total_in(waiting),
            "waiting_url": filtered(state=QUEUE_WAITING),
            "states": [
                {
                    "value": value,
                    "label": label,
                    "count": counts.by_state[value],
                    "url": filtered(state=value),
                    "yours": value in self.waiting_states,
                }
                for value, label in ApplicationState.choices
            ],
            "pemda_wide": self.pemda_wide,
        }


def applications_panel_for(request) -> ApplicationsPanel | None:
    """The panel, for the users the work queue is shown to (its menu item's rule)."""
    user = request.user
    if not user_may_view_applications(user):
        return None
    # As ``application_transition``: a superuser may act in every role.
    return ApplicationsPanel(
        user=user, roles=actor_roles(user), pemda_wide=kecamatan_scope_for(user).is_pemda_wide
    )
