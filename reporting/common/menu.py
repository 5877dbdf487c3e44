"""Admin menu items of reporting shown to whoever passes an access rule of a domain's
``permissions.py`` (the rule is asked on every page, as the views ask it)."""

from collections.abc import Callable

from django.urls import reverse
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet


class RuleMenuItem(MenuItem):
    def __init__(self, *args, rule: Callable, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule

    def is_shown(self, request):
        return self.rule(request.user)


def rule_menu_item(label, url_name: str, *, name: str, icon: str, order: int, rule) -> MenuItem:
    """A menu item to the page ``url_name``, shown to whoever passes ``rule``."""
    return RuleMenuItem(label, reverse(url_name), name=name, icon_name=icon, order=order, rule=rule)


class RulePagesViewSet(ViewSet):
    """Plain admin pages under one menu item, shown to whoever passes ``rule``."""

    rule: Callable = staticmethod(lambda user: False)

    def get_menu_item(self, order=None):
        return RuleMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            rule=self.rule,
        )
