"""Report schedules in the Wagtail admin (Reports menu): each saved through
``report_schedule_save``, which keeps its beat entry in step; scoped like the runs.
Registered by ``reporting.wagtail_hooks``."""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.log_actions import log

from paten.accounts.viewsets import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedModelViewSet,
)
from reporting.models import ReportSchedule
from reporting.reports.admin.forms import ReportScheduleForm
from reporting.reports.admin.labels import schedule_next_run, schedule_when, scope_label_for
from reporting.reports.schedules import report_schedule_delete, report_schedule_save


class ScheduleSaveMixin:
    """Saves through ``report_schedule_save`` (which keeps the beat entry in step)."""

    log_action = "wagtail.create"

    def save_instance(self):
        # The service refuses a kecamatan outside the user's scope.
        schedule = report_schedule_save(schedule=self.form.instance, user=self.request.user)
        log(instance=schedule, action=self.log_action, user=self.request.user)
        return schedule

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:  # e.g. formats the kind no longer offers
            form.add_error(None, error.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ReportScheduleIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kecamatan", "periodic_task__crontab")


class ReportScheduleCreateView(ScheduleSaveMixin, ScopedCreateView):
    pass


class ReportScheduleEditView(ScheduleSaveMixin, ScopedEditView):
    log_action = "wagtail.edit"


class ReportScheduleDeleteView(ScopedDeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
        report_schedule_delete(schedule=self.object)


class ReportScheduleViewSet(ScopedModelViewSet):
    model = ReportSchedule
    icon = "date"
    url_prefix = "laporan/jadwal"
    menu_label = gettext_lazy("Report schedules")
    menu_hook = "register_reports_menu_item"
    menu_order = 30
    index_view_class = ReportScheduleIndexView
    add_view_class = ReportScheduleCreateView
    edit_view_class = ReportScheduleEditView
    delete_view_class = ReportScheduleDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    list_filter = ["kind", "frequency", "is_active"]
    list_display = [
        "name",
        Column("kind", label=capfirst(gettext_lazy("kind")), accessor="get_kind_display"),
        Column(
            "kecamatan",
            label=capfirst(gettext_lazy("kecamatan")),
            accessor=lambda s: scope_label_for(s.kecamatan),
        ),
        Column(
            "period", label=capfirst(gettext_lazy("period covered")), accessor="get_period_display"
        ),
        Column("when", label=gettext_lazy("When"), accessor=schedule_when),
        Column("next_run", label=gettext_lazy("Next run"), accessor=schedule_next_run),
        BooleanColumn("is_active", label=capfirst(gettext_lazy("active"))),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("kecamatan"),
            FieldPanel("period"),
            FieldPanel("formats"),
            MultiFieldPanel(
                [
                    FieldPanel("frequency"),
                    FieldRowPanel([FieldPanel("day_of_month"), FieldPanel("day_of_week")]),
                    FieldRowPanel([FieldPanel("hour"), FieldPanel("minute")]),
                ],
                heading=gettext_lazy("When"),
            ),
            FieldPanel("recipients"),
            FieldPanel("is_active"),
        ],
        base_form_class=ReportScheduleForm,
    )
