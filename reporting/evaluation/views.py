"""The public ranking of the kecamatan evaluation: ``/evaluasi/``.

Only periods that are closed and marked ``public_ranking`` are shown. The page shows
rank, kecamatan, aspect scores, total and change: no indicator values, evidence,
notes or names of staff. Plain HTML (no JavaScript, nothing from a CDN), in the
style of the public IKM page.
"""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reporting.evaluation.scoring import display
from reporting.evaluation.selectors import public_periods, scoreboard


@require_safe
@transaction.non_atomic_requests
def evaluation_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/public/evaluation_index.html", {"periods": public_periods()})


@require_safe
@transaction.non_atomic_requests
def evaluation_period(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking of one published period; 404 for a period not public or not closed."""
    period = get_object_or_404(public_periods(), pk=pk)
    board = scoreboard(period=period)
    rows = [
        {
            "rank": row.rank,
            "name": row.name,
            "aspects": [display(row.aspects[a.id]) for a in board.aspects],
            "total": display(row.total),
            "change": None if row.change is None else display(row.change),
        }
        for row in board.rows
    ]
    return render(
        request,
        "reporting/public/evaluation_period.html",
        {
            "period": period,
            "instrument": period.instrument,
            "aspects": board.aspects,
            "rows": rows,
            "count": board.count,
            "average_aspects": [display(board.average_aspects[a.id]) for a in board.aspects],
            "average_total": display(board.average_total),
            "previous_period": board.previous_period,
            "periods": public_periods(),
        },
    )
