from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column

from .forms import StaffProfileForm
from .models import StaffProfile
from .services import staff_assign
from .viewsets import ScopedCreateView, ScopedEditView, ScopedModelViewSet, by_kecamatan


class _SaveThroughService:
    """Admin saves go through ``staff_assign`` so that rules and the audit chain apply."""

    @transaction.atomic
    def save_instance(self):
        profile = self.form.save(commit=False)
        profile.save()
        staff_assign(
            user=profile.user,
            roles=self.form.cleaned_data.get("roles") or (),
            kecamatan=self.form.cleaned_data.get("kecamatan") or (),
            actor=self.request.user,
        )
        profile.refresh_from_db()
        return profile


class StaffProfileCreateView(_SaveThroughService, ScopedCreateView):
    pass


class StaffProfileEditView(_SaveThroughService, ScopedEditView):
    pass


class StaffProfileViewSet(ScopedModelViewSet):
    model = StaffProfile

    def get_form_class(self, for_update=False):
        return StaffProfileForm

    icon = "group"
    menu_label = _("Staff and kecamatan")
    add_to_settings_menu = True
    add_view_class = StaffProfileCreateView
    edit_view_class = StaffProfileEditView
    list_display = [
        "user",
        Column("roles", label=_("Roles"), accessor="role_names"),
        Column("kecamatan", label=_("Kecamatan"), accessor="kecamatan_names"),
        "position",
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_filter = ["kecamatan"]
    scope = staticmethod(by_kecamatan("kecamatan", distinct=True))

    def get_index_view_kwargs(self, **kwargs):
        queryset = StaffProfile.objects.select_related("user").prefetch_related(
            "kecamatan", "user__groups"
        )
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


@hooks.register("register_admin_viewset")
def register_staff_profiles():
    return StaffProfileViewSet("staff_profiles")
