"""The viewsets of the satisfaction survey (SKM): one "Survei Kepuasan (SKM)" menu group.

- questions: the nine unsur are fixed by PermenPAN-RB 14/2017, so only their wording and
  labels change (no add, no delete for anyone; ``policies``);
- periods, kiosks and follow-up plans; kiosks and plans are scoped by kecamatan;
- responses: a scoped list, an inspect page with the labels of the response's own
  questionnaire version, paper entry, import and export; never edited or deleted
  (they are evidence); the suggestions have their own staff-only list;
- questionnaire versions: read only.

``SurveySettings`` is a generic setting (``@register_setting`` on the model) and sits in
the Settings menu. Registered by ``reporting.wagtail_hooks``.
"""

from functools import partial

from django.contrib.admin.utils import unquote
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

import django_filters

from paten.accounts.viewsets import (
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
    by_kecamatan,
)
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan_for
from reporting.common.menu import RulePagesViewSet
from reporting.models import (
    FollowUpPlan,
    SurveyKiosk,
    SurveyPeriod,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from reporting.survey.admin import views as admin_views
from reporting.survey.admin.forms import (
    FollowUpPlanForm,
    SurveyKioskForm,
    SurveyPeriodForm,
    SurveyQuestionForm,
)
from reporting.survey.constants import ANSWER_FIELDS, SurveyChannel
from reporting.survey.ikm import UNSUR, UNSUR_KEYS
from reporting.survey.permissions import user_may_enter_responses, user_may_export_responses
from service_catalog.models import ServicePage


def read_only_urlpatterns(viewset: ModelViewSet) -> list:
    """Listing and inspect only: no add, edit, copy or delete view exists at all."""
    patterns = [
        path("", viewset.index_view, name="index"),
        path("results/", viewset.index_results_view, name="index_results"),
    ]
    if viewset.inspect_view_enabled:
        converter = viewset.pk_path_converter
        patterns.append(path(f"inspect/<{converter}:pk>/", viewset.inspect_view, name="inspect"))
    return patterns


def kecamatan_name(obj) -> str:
    return obj.kecamatan.name if obj.kecamatan_id else ""


# -----------------------------------------------------------------------------
# Questions
# -----------------------------------------------------------------------------


class SurveyQuestionIndexView(generic.IndexView):
    def get_base_queryset(self):
        # Questionnaire order U1…U9 (U8 = sarana, U9 = pengaduan), not the key order.
        order = Case(
            *(When(unsur=key, then=Value(UNSUR[key].questionnaire_number)) for key in UNSUR_KEYS),
            output_field=IntegerField(),
        )
        return super().get_base_queryset().annotate(u_number=order).order_by("u_number")


class SurveyQuestionViewSet(ModelViewSet):
    model = SurveyQuestion
    icon = "help"
    menu_label = _("Questions (nine unsur)")
    url_prefix = "skm/pertanyaan"
    index_view_class = SurveyQuestionIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    list_display = [
        "__str__",
        "text",
        Column(
            "labels",
            label=_("Answers 1–4"),
            accessor=lambda q: " · ".join(q.labels),
        ),
    ]

    def get_form_class(self, for_update=False):
        return SurveyQuestionForm


# -----------------------------------------------------------------------------
# Periods
# -----------------------------------------------------------------------------


class SurveyPeriodViewSet(ModelViewSet):
    model = SurveyPeriod
    icon = "date"
    menu_label = _("Survey periods")
    url_prefix = "skm/periode"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_filter = ["kind", "year", "is_published"]
    list_display = [
        "__str__",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        DateColumn("start_date", label=_("First day"), sort_key="start_date"),
        DateColumn("end_date", label=_("Last day"), sort_key="end_date"),
        BooleanColumn("is_published", label=_("Published")),
    ]
    inspect_view_fields = [
        "name",
        "kind",
        "year",
        "number",
        "start_date",
        "end_date",
        "is_published",
        "notes",
    ]

    def get_form_class(self, for_update=False):
        return SurveyPeriodForm


# -----------------------------------------------------------------------------
# Kiosks
# -----------------------------------------------------------------------------


def kiosk_link(kiosk: SurveyKiosk):
    url = admin_views.kiosk_url(kiosk)
    return format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', url)


class SurveyKioskIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kecamatan")


class SurveyKioskInspectView(ScopedInspectView):
    ADDRESS = "address"

    def get_field_label(self, field_name, field):
        if field_name == self.ADDRESS:
            return _("Kiosk address (open it on the tablet)")
        return super().get_field_label(field_name, field)

    def get_address_display_value(self):
        return kiosk_link(self.object)


class SurveyKioskViewSet(ScopedModelViewSet):
    model = SurveyKiosk
    icon = "mobile-alt"
    menu_label = _("Survey kiosks")
    url_prefix = "skm/kios"
    index_view_class = SurveyKioskIndexView
    inspect_view_class = SurveyKioskInspectView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["name", "kecamatan", "is_active", SurveyKioskInspectView.ADDRESS]
    list_filter = ["is_active"]
    list_display = [
        "name",
        Column("kecamatan", label=_("Kecamatan"), accessor=kecamatan_name),
        BooleanColumn("is_active", label=_("Active")),
        Column("address", label=_("Kiosk address"), accessor=kiosk_link),
    ]
    scope = staticmethod(by_kecamatan())

    def get_form_class(self, for_update=False):
        return SurveyKioskForm


# -----------------------------------------------------------------------------
# Responses and suggestions
# -----------------------------------------------------------------------------


class SurveyResponseFilterSet(WagtailFilterSet):
    period = django_filters.ModelChoiceFilter(
        label=_("Period"),
        queryset=SurveyPeriod.objects.all(),
        method="filter_period",
    )
    answered_on = django_filters.DateFromToRangeFilter(
        label=_("Survey date"), widget=DateRangePickerWidget
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), queryset=Region.objects.none()
    )
    service = django_filters.ModelChoiceFilter(
        label=_("Service"), queryset=ServicePage.objects.order_by("title")
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=SurveyChannel.choices)

    class Meta:
        model = SurveyResponse
        fields = ["period", "answered_on", "kecamatan", "service", "channel"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["kecamatan"].queryset = installation_kecamatan_for(user=user)

    def filter_period(self, queryset, name, value):
        return queryset.filter(answered_on__gte=value.start_date, answered_on__lte=value.end_date)


def answers_compact(response: SurveyResponse) -> str:
    return " ".join(str(response.answers[key]) for key in UNSUR_KEYS)


class SurveyResponseIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("kecamatan", "service")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if user_may_enter_responses(user):
            buttons.append(
                HeaderButton(
                    _("Paper questionnaire entry"),
                    url=reverse(admin_views.PAPER_ENTRY),
                    icon_name="plus",
                )
            )
            buttons.append(
                HeaderButton(_("Import"), url=reverse(admin_views.IMPORT), icon_name="upload")
            )
        if user_may_export_responses(user):
            query = self.request.GET.copy()
            query.pop(self.page_kwarg, None)
            url = reverse(admin_views.EXPORT)
            buttons.append(
                HeaderButton(
                    _("Export"),
                    url=f"{url}?{query.urlencode()}" if query else url,
                    icon_name="download",
                )
            )
        return buttons


class SurveyResponseInspectView(ScopedInspectView):
    """A response with the question wording and labels of its own questionnaire version."""

    ANSWER_FIELD_KEYS = {field: key for key, field in ANSWER_FIELDS.items()}

    def get_object(self, queryset=None):
        queryset = self.scoped(
            SurveyResponse.objects.select_related(
                "version", "kecamatan", "service", "kiosk", "entered_by"
            )
        )
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))

    def get_field_label(self, field_name, field):
        key = self.ANSWER_FIELD_KEYS.get(field_name)
        if key is None:
            return super().get_field_label(field_name, field)
        question = self.object.version.question(key)
        return format_html("U{} {} — {}", question["number"], question["unsur"], question["text"])

    def get_field_display_value(self, field_name, field):
        key = self.ANSWER_FIELD_KEYS.get(field_name)
        if key is None:
            return super().get_field_display_value(field_name, field)
        value = getattr(self.object, field_name)
        labels = self.object.version.question(key)["labels"]
        return f"{value} — {labels[value - 1]}"

    def get_version_display_value(self):
        return str(self.object.version)


class SurveyResponseViewSet(ScopedModelViewSet):
    model = SurveyResponse
    icon = "tasks"
    menu_label = _("Survey responses")
    url_prefix = "skm/jawaban"
    index_view_class = SurveyResponseIndexView
    inspect_view_class = SurveyResponseInspectView
    filterset_class = SurveyResponseFilterSet
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    ordering = ["-answered_on", "-id"]
    list_display = [
        "answered_on",
        Column("kecamatan", label=_("Kecamatan"), accessor=kecamatan_name),
        Column("service", label=_("Service"), accessor="service.title"),
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        Column("paper_reference", label=_("Paper no.")),
        Column("answers", label=_("Answers U1–U9"), accessor=answers_compact),
    ]
    inspect_view_fields = [
        "answered_on",
        "kecamatan",
        "service",
        "channel",
        "paper_reference",
        "version",
        *ANSWER_FIELDS.values(),
        "gender",
        "age",
        "education",
        "occupation",
        "occupation_other",
        "suggestion",
        "kiosk",
        "entered_by",
        "submitted_at",
    ]

    def get_urlpatterns(self):
        export = partial(admin_views.responses_export, filterset_class=self.filterset_class)
        return [*read_only_urlpatterns(self), path("export/", export, name="export")]


class SurveySuggestionIndexView(SurveyResponseIndexView):
    page_title = _("Respondents' suggestions")

    def get_page_title(self):
        return self.page_title

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(suggestion="")

    @cached_property
    def header_buttons(self):
        return []


class SurveySuggestionViewSet(SurveyResponseViewSet):
    """The suggestions (staff only, never public): the same responses, another list."""

    icon = "openquote"
    menu_label = _("Respondents' suggestions")
    url_prefix = "skm/saran"
    index_view_class = SurveySuggestionIndexView
    inspect_view_enabled = False

    @property
    def list_display(self):
        return [
            TitleColumn(
                "answered_on",
                label=_("Survey date"),
                sort_key="answered_on",
                get_url=lambda r: reverse("survey_responses:inspect", args=[r.pk]),
            ),
            Column("kecamatan", label=_("Kecamatan"), accessor=kecamatan_name),
            Column("service", label=_("Service"), accessor="service.title"),
            Column("suggestion", label=_("Suggestions")),
        ]

    def get_urlpatterns(self):
        return read_only_urlpatterns(self)

    # The responses viewset already registers the model with Wagtail.
    def register_permissions(self):
        pass

    def register_admin_url_finder(self):
        pass


# -----------------------------------------------------------------------------
# Questionnaire versions
# -----------------------------------------------------------------------------


class SurveyVersionInspectView(generic.InspectView):
    def get_definition_display_value(self):
        questions = self.object.definition.get("questions", {})
        rows = format_html_join(
            "",
            "<tr><td>U{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (q["number"], q["unsur"], q["text"], " · ".join(q["labels"]))
                for q in sorted(questions.values(), key=lambda q: q["number"])
            ),
        )
        profile = ", ".join(self.object.definition.get("profile", [])) or "—"
        return format_html(
            '<table class="listing"><tbody>{}</tbody></table><p>{}: {}</p>',
            rows,
            _("Profile questions"),
            profile,
        )


class SurveyVersionViewSet(ModelViewSet):
    model = SurveyVersion
    icon = "history"
    menu_label = _("Questionnaire versions")
    url_prefix = "skm/versi"
    inspect_view_class = SurveyVersionInspectView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["__str__", DateColumn("created_at", label=_("Created at"))]
    inspect_view_fields = ["number", "created_at", "definition"]

    def get_urlpatterns(self):
        return read_only_urlpatterns(self)


# -----------------------------------------------------------------------------
# Follow-up plans
# -----------------------------------------------------------------------------


class FollowUpPlanIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("period", "kecamatan")


class FollowUpPlanViewSet(ScopedModelViewSet):
    model = FollowUpPlan
    icon = "list-ol"
    menu_label = _("Follow-up plans")
    url_prefix = "skm/tindak-lanjut"
    index_view_class = FollowUpPlanIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    list_filter = ["period", "status", "unsur"]
    list_display = [
        "__str__",
        Column(
            "kecamatan",
            label=_("Kecamatan"),
            accessor=lambda plan: plan.kecamatan.name if plan.kecamatan_id else _("Kabupaten/kota"),
        ),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("target_date", label=_("Target date"), sort_key="target_date"),
        BooleanColumn("is_public", label=_("Public")),
    ]
    scope = staticmethod(by_kecamatan())

    def get_form_class(self, for_update=False):
        return FollowUpPlanForm


# -----------------------------------------------------------------------------
# Paper entry and the menu group
# -----------------------------------------------------------------------------


class PaperEntryViewSet(RulePagesViewSet):
    name = "survey_paper_entry"
    url_prefix = "skm/entri-kertas"
    icon = "edit"
    menu_label = _("Paper questionnaire entry")
    rule = staticmethod(user_may_enter_responses)

    def get_urlpatterns(self):
        return [path("", admin_views.PaperEntryView.as_view(), name="index")]


class SurveyMenuGroup(ViewSetGroup):
    menu_label = _("Satisfaction survey (SKM)")
    menu_name = "satisfaction_survey"
    menu_icon = "tasks"
    menu_order = 220
    items = (
        SurveyResponseViewSet("survey_responses"),
        PaperEntryViewSet(),
        SurveySuggestionViewSet("survey_suggestions"),
        FollowUpPlanViewSet("survey_follow_up_plans"),
        SurveyPeriodViewSet("survey_periods"),
        SurveyKioskViewSet("survey_kiosks"),
        SurveyQuestionViewSet("survey_questions"),
        SurveyVersionViewSet("survey_versions"),
    )
