"""Wagtail's site-history report (also as CSV/XLSX) limited to what the user may see.

Wagtail's ``LogEntriesView`` asks each log model for ``viewable_by_user``, which knows
permissions but not kecamatan; these subclasses ask ``selectors.log_entries_visible_to``
instead, for the rows and for the user, type and action filter choices (which would
otherwise name other kecamatan's staff). ``paten/urls.py`` serves them at Wagtail's own
URLs.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Value
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry

from .selectors import log_entries_visible_to


def _visible(user):
    for log_model in log_action_registry.get_log_entry_models():
        yield log_model, log_entries_visible_to(user, log_model)


def _content_types_for_filter(request):
    ids = set()
    for _model, entries in _visible(request.user):
        ids.update(entries.get_content_type_ids())
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    object_type = ContentTypeFilter(
        label=SiteHistoryReportFilterSet.base_filters["object_type"].label,
        method="filter_object_type",
        queryset=_content_types_for_filter,
    )

    def get_action_choices(self):
        actions = set()
        for _model, entries in _visible(self.request.user):
            actions.update(entries.get_actions())
        return [choice for choice in log_action_registry.get_choices() if choice[0] in actions]

    def get_user_choices(self):
        user_ids = set()
        for _model, entries in _visible(self.request.user):
            user_ids.update(entries.get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


class ScopedSiteHistoryView(LogEntriesView):
    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        # Wagtail's own method with one change: the rows of each log model come from
        # log_entries_visible_to instead of viewable_by_user.
        queryset = None
        self.log_models = list(log_action_registry.get_log_entry_models())
        for index, log_model in enumerate(self.log_models):
            rows = (
                log_entries_visible_to(self.request.user, log_model)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            rows = self.filter_queryset(rows).order_by()
            queryset = rows if queryset is None else queryset.union(rows, all=True)
        return queryset.order_by("-timestamp")
