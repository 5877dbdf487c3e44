from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .constants import KECAMATAN_ROLES, Role
from .models import StaffProfile
from .selectors import kecamatan_scope_for


class StaffProfileForm(WagtailAdminModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StaffProfile
        fields = ["user", "roles", "kecamatan", "position", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nobody assigns staff outside the kecamatan they may see themselves.
        scope = kecamatan_scope_for(self.for_user)
        self.fields["kecamatan"].queryset = scope.filter(
            self.fields["kecamatan"].queryset, field="code"
        )
        if self.instance.pk:
            self.fields["user"].disabled = True
            self.initial["roles"] = list(
                self.instance.user.groups.filter(name__in=Role.values).values_list(
                    "name", flat=True
                )
            )

    def clean(self):
        cleaned = super().clean()
        if set(cleaned.get("roles") or ()) & KECAMATAN_ROLES and not cleaned.get("kecamatan"):
            self.add_error(
                "kecamatan", _("A camat, front-office or back-office user needs a kecamatan.")
            )
        return cleaned

    def role_groups(self):
        return Group.objects.filter(name__in=self.cleaned_data.get("roles") or ())
