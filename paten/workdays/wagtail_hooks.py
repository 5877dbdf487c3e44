from wagtail import hooks

from .viewsets import WorkingCalendarViewSetGroup


@hooks.register("register_admin_viewset")
def register_working_calendar_viewsets():
    return WorkingCalendarViewSetGroup()
