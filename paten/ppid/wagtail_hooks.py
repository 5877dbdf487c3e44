"""Admin registrations of the PPID: the menu group, the request and objection pages, the
home-page panel and the guard of bulk actions."""

from django.http import Http404
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import permissions
from .dashboard import ppid_panel_for
from .viewsets import ObjectionAdminViewSet, PpidMenuGroup, RequestAdminViewSet

register_snippet(PpidMenuGroup)


@hooks.register("register_admin_viewset")
def register_request_viewsets():
    return [RequestAdminViewSet(), ObjectionAdminViewSet()]


@hooks.register("construct_homepage_panels")
def add_ppid_panel(request, panels):
    panel = ppid_panel_for(request)
    if panel is not None:
        panels.append(panel)


@hooks.register("before_bulk_action")
def refuse_out_of_scope_bulk_action(request, action_type, objects, action_class_instance):
    """Bulk actions on PPID snippets only ever touch rows of the user's scope."""
    if not permissions.bulk_objects_in_scope(request.user, objects):
        raise Http404
