"""Admin for application form definitions: the "Formulir layanan" snippet menu.

Only the form definition lives here; the application admin is registered from its
own module. Each service's page header links to its form.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from service_catalog.models import ServicePage

from .dashboard import applications_panel_for
from .models import ServiceForm


class ServiceFormCreateView(CreateView):
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


register_snippet(ServiceFormViewSet)


@hooks.register("register_page_header_buttons")
def service_form_header_button(page, user, view_name, next_url=None):
    """ "Application form" on a service page: edit its form, or create one for it."""
    if page.specific_class is not ServicePage:
        return
    existing = ServiceForm.objects.filter(service_id=page.pk).values_list("pk", flat=True).first()
    if existing is not None:
        if not user.has_perm("forms_builder.change_serviceform"):
            return
        url = reverse("wagtailsnippets_forms_builder_serviceform:edit", args=[existing])
    else:
        if not user.has_perm("forms_builder.add_serviceform"):
            return
        url = reverse("wagtailsnippets_forms_builder_serviceform:add") + f"?service={page.pk}"
    yield Button(_("Application form"), url, icon_name="form", priority=35)


@hooks.register("construct_homepage_panels")
def add_applications_panel(request, panels):
    """Dasbor: the applications panel, first on the admin home page (``dashboard``)."""
    panel = applications_panel_for(request)
    if panel is not None:
        panels.append(panel)


from . import application_hooks  # noqa: E402, F401  (applications admin)
