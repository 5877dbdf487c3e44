from wagtail import hooks

from .viewsets import KecamatanOfficeViewSet


@hooks.register("register_admin_viewset")
def register_kecamatan_offices():
    return KecamatanOfficeViewSet("kecamatan_offices")
