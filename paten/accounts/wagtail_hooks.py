from wagtail import hooks

from .viewsets import StaffProfileViewSet


@hooks.register("register_admin_viewset")
def register_staff_profiles():
    return StaffProfileViewSet("staff_profiles")
