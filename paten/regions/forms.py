from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from paten.accounts.selectors import kecamatan_scope_for

from .constants import CODE_RE, parent_code_for
from .models import Region


class RegionForm(WagtailAdminModelForm):
    """Add/edit form: the code is typed once (it is the key); parent, level and kind
    follow from it in ``Region.save``."""

    class Meta:
        model = Region
        fields = ["code", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding is False:
            self.fields["code"].disabled = True

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if not self.instance._state.adding:
            return self.instance.code
        if not CODE_RE.match(code):
            raise forms.ValidationError(
                _("Use the Kemendagri code format: NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN.")
            )
        parent = parent_code_for(code)
        if parent and not Region.objects.filter(code=parent).exists():
            raise forms.ValidationError(
                _("The parent region %(code)s does not exist yet.") % {"code": parent}
            )
        if self.for_user is not None and not kecamatan_scope_for(self.for_user).allows(code):
            raise forms.ValidationError(_("This region is outside your kecamatan."))
        return code

    def clean_name(self):
        return " ".join((self.cleaned_data.get("name") or "").split())
