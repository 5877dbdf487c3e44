"""django-import-export resource for exporting staff users (export only, pemda admins).

Columns: ``username``, ``nama``, ``email``, ``peran`` (role groups), ``kecamatan``
(Kemendagri codes, ``;``-separated; empty for pemda-wide staff) and ``aktif``. Never
the password hash, nor any other authentication data. Users belong to no kecamatan
row of their own, so only pemda-wide administrators may export them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from import_export import fields, resources

from paten.regions.models import Region
from paten.tabular import CellSafeResourceMixin

from .constants import Role
from .models import StaffProfile
from .permissions import user_may_export_users

LIST_SEPARATOR = ";"


class UserResource(CellSafeResourceMixin, resources.ModelResource):
    username = fields.Field("username", "username")
    name = fields.Field(column_name="nama")
    email = fields.Field("email", "email")
    roles = fields.Field(column_name="peran")
    kecamatan = fields.Field(column_name="kecamatan")
    is_active = fields.Field(column_name="aktif")

    class Meta:
        model = get_user_model()
        fields = ("username", "name", "email", "roles", "kecamatan", "is_active")
        export_order = fields
        # Belt and braces: listed fields only, and these never.
        exclude = ("password", "user_permissions")

    def __init__(self, *, user, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self) -> QuerySet:
        users = get_user_model().objects.order_by("username")
        if not user_may_export_users(self.user):
            return users.none()
        return users.prefetch_related(
            "groups",
            Prefetch(
                "staff_profile",
                queryset=StaffProfile.objects.prefetch_related(
                    Prefetch("kecamatan", queryset=Region.objects.order_by("code"))
                ),
            ),
        )

    def export(self, queryset=None, **kwargs):
        """Nothing at all for a user who may not export users."""
        if queryset is None or not user_may_export_users(self.user):
            queryset = self.get_queryset()
        return super().export(queryset=queryset, **kwargs)

    def dehydrate_name(self, user):
        return user.get_full_name()

    def dehydrate_roles(self, user):
        names = {group.name for group in user.groups.all()} & set(Role.values)
        return LIST_SEPARATOR.join(sorted(names))

    def dehydrate_kecamatan(self, user):
        profile = getattr(user, "staff_profile", None)
        if profile is None:
            return ""
        return LIST_SEPARATOR.join(region.code for region in profile.kecamatan.all())

    def dehydrate_is_active(self, user):
        return "ya" if user.is_active else "tidak"
