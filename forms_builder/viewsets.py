"""Admin of forms_builder: the "Service forms" snippets, the result numbering settings
per service, and the applications menu (the work queue is in ``admin_views``)."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from service_catalog.models import ServicePage

from .models import IssuanceSettings, ServiceForm
from .permissions import user_may_review_personal_data_access, user_may_view_applications


class ServiceFormCreateView(CreateView):
    """Adding a form for a service that has one already (a draft autosaved a moment ago,
    say) opens that form instead of refusing with a uniqueness error."""

    def _existing_form(self, service_id) -> ServiceForm | None:
        service_id = str(service_id or "")
        if not service_id.isdigit():
            return None
        return ServiceForm.objects.filter(service_id=int(service_id)).first()

    def _open(self, existing: ServiceForm):
        messages.info(
            self.request,
            _("%(service)s already has an application form: it is opened here.")
            % {"service": existing.service},
        )
        return redirect(self.get_edit_url_for(existing))

    def get_edit_url_for(self, instance) -> str:
        return reverse(self.edit_url_name, args=[quote(instance.pk)])

    def get(self, request, *args, **kwargs):
        existing = self._existing_form(request.GET.get("service"))
        if existing is not None:
            return self._open(existing)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        service_id = request.POST.get("service")
        existing = self._existing_form(service_id)
        if existing is not None:
            return self._open(existing)
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except IntegrityError:
            # The editor's autosave created the form between the check above and this
            # save (two requests at once): open the one that won.
            existing = self._existing_form(service_id)
            if existing is None:
                raise
            return self._open(existing)

    def get_initial_form_instance(self):
        # "?service=<page id>" from the service's page header preselects the service.
        service_id = self.request.GET.get("service", "")
        if service_id.isdigit():
            service = ServicePage.objects.filter(pk=int(service_id)).first()
            if service is not None and not ServiceForm.objects.filter(service=service).exists():
                return ServiceForm(service=service)
        return super().get_initial_form_instance()


class ServiceFormViewSet(SnippetViewSet):
    model = ServiceForm
    icon = "form"
    menu_label = _("Service forms")
    menu_name = "service_forms"
    menu_order = 310
    add_to_admin_menu = True
    add_view_class = ServiceFormCreateView
    # Plain ORM search on the service title: works on SQLite and PostgreSQL alike.
    search_backend_name = None
    search_fields = ["service__title", "service__code"]
    ordering = ["service__title"]
    list_display = [
        "service",
        Column("published_version", label=_("Published version"), accessor="published_version"),
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
    ]
    list_per_page = 50
    inspect_view_enabled = True

    def get_queryset(self, request):
        return ServiceForm.objects.select_related("service")


def service_form_header_button(page, user) -> Button | None:
    """ "Application form" on a service page: edit its form, or create one for it."""
    if page.specific_class is not ServicePage:
        return None
    existing = ServiceForm.objects.filter(service_id=page.pk).values_list("pk", flat=True).first()
    if existing is not None:
        if not user.has_perm("forms_builder.change_serviceform"):
            return None
        url = reverse("wagtailsnippets_forms_builder_serviceform:edit", args=[existing])
    else:
        if not user.has_perm("forms_builder.add_serviceform"):
            return None
        url = reverse("wagtailsnippets_forms_builder_serviceform:add") + f"?service={page.pk}"
    return Button(_("Application form"), url, icon_name="form", priority=35)


class IssuanceSettingsViewSet(ModelViewSet):
    model = IssuanceSettings
    icon = "doc-full"
    menu_label = _("Result numbering and templates")
    add_to_settings_menu = True
    list_display = ["service", "number_pattern", "validity_days"]
    search_fields = ["service__title"]
    search_backend_name = None
    form_fields = ["service", "number_pattern", "validity_days", "template"]


class ApplicationsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_view_applications(request.user)


class ApplicationsSearchArea(SearchArea):
    """The admin's global search box finds applications (code, name, NIK) for the staff
    who work on them, first; others keep the pages search."""

    def __init__(self):
        super().__init__(
            _("Applications"),
            reverse("forms_builder_admin:queue"),
            name="applications",
            icon_name="form",
            order=50,
        )

    def is_shown(self, request):
        return user_may_view_applications(request.user)


class PersonalDataAccessMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_review_personal_data_access(request.user)
