"""Wagtail admin viewsets whose every view goes through the scoping selector, and the
staff viewset built on them."""

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import StaffProfileForm
from .models import StaffProfile
from .policies import register_scoped_policy, scoped_policies
from .selectors import KecamatanScope, kecamatan_scope_for
from .services import staff_assign


class ScopedQuerysetMixin:
    """Limits a generic view's rows to the user's kecamatan scope.

    The viewset sets ``scope`` to a callable ``(scope, queryset) -> queryset``.
    """

    scope = None

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return self.scope(kecamatan_scope_for(self.request.user), queryset)

    def get_base_queryset(self):
        return self.scoped(super().get_base_queryset())

    def get_object(self, queryset=None):
        if queryset is None:
            queryset = self.model._default_manager.all()
        return super().get_object(self.scoped(queryset))


class ScopedIndexView(ScopedQuerysetMixin, generic.IndexView):
    pass


class ScopedCreateView(generic.CreateView):
    scope = None


class ScopedEditView(ScopedQuerysetMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedQuerysetMixin, generic.DeleteView):
    pass


class ScopedInspectView(ScopedQuerysetMixin, generic.InspectView):
    def get_object(self, queryset=None):
        # Wagtail's InspectView looks the object up on the model and ignores the
        # queryset it is given, so the scope is applied here.
        queryset = self.scoped(self.model._default_manager.all())
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))


class ScopedObjectMixin:
    """The object of a history or usage page, looked up within the scope (else 404).

    Only the object: the rows of these pages are log entries and references, which the
    object already limits."""

    scope = None

    def get_base_object_queryset(self):
        return self.scope(
            kecamatan_scope_for(self.request.user), super().get_base_object_queryset()
        )


class ScopedHistoryView(ScopedObjectMixin, generic.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, generic.UsageView):
    pass


def by_kecamatan(field: str = "kecamatan", *, distinct: bool = False):
    """Scope rows by a FK (or, with ``distinct``, an M2M) to kecamatan regions."""

    def scope(scope: KecamatanScope, queryset: QuerySet) -> QuerySet:
        queryset = scope.filter(queryset, field=field)
        return queryset.distinct() if distinct and not scope.is_pemda_wide else queryset

    return scope


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet filtered by ``kecamatan_scope_for`` in list, edit, delete, inspect,
    history and usage."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    scope = staticmethod(by_kecamatan())

    def register_permissions(self):
        # Before Wagtail's own registration, which would install a policy without scope.
        register_scoped_policy(self.model, self.scope)
        super().register_permissions()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(scope=self.scope, **kwargs)


# -- snippets ---------------------------------------------------------------------------


# Holding any of these on a model lets a user list its rows (Wagtail's listing rule).
LIST_ACTIONS = ("add", "change", "delete", "view")


def _visible(model, user) -> QuerySet:
    """Rows of a scoped snippet model that ``user`` may see: none without a permission on
    the model (the role), else those of the user's kecamatan scope (its registered
    policy's scope)."""
    policy = scoped_policies()[model]
    if not policy.user_has_any_permission(user, LIST_ACTIONS):
        return model._default_manager.none()
    return policy.visible(user)


class RoleRequiredMixin:
    """Wagtail's chooser views ask no permission: without one on the model, a 404."""

    def dispatch(self, request, *args, **kwargs):
        policy = scoped_policies()[self.model_class]
        if not policy.user_has_any_permission(request.user, LIST_ACTIONS):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ScopedChooseMixin(RoleRequiredMixin):
    def get_object_list(self):
        return _visible(self.model_class, self.request.user)


class ScopedChooseView(ScopedChooseMixin, ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooseMixin, ChooseResultsView):
    pass


class ScopedChosenView(RoleRequiredMixin, SnippetChosenView):
    def get_object(self, pk):
        try:
            return _visible(self.model_class, self.request.user).get(pk=pk)
        except (self.model_class.DoesNotExist, ValidationError, ValueError) as error:
            raise Http404 from error


class ScopedChosenMultipleView(RoleRequiredMixin, SnippetChosenMultipleView):
    def get_objects(self, pks):
        return _visible(self.model_class, self.request.user).filter(pk__in=pks)


class ScopedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class ScopedSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose every view sees only the rows of the user's scope.

    The listing (and its search and filters) is scoped by ``get_queryset``; every URL that
    names one object (edit, delete, inspect, history, usage, revisions, preview, lock,
    unpublish, workflow) first checks that the user holds a permission on the model and
    that the object is in scope, else 404 (Wagtail's chooser and workflow-cancellation
    views ask no permission of their own); the chooser lists and returns in-scope rows
    only, and none to a role without a permission on the model. The model's permission policy is the scoped one
    (``policies``), so Wagtail's own surfaces (editing sessions, the site history, edit
    links, bulk actions) ask the scope too.
    """

    scope = staticmethod(by_kecamatan())
    chooser_viewset_class = ScopedChooserViewSet
    copy_view_enabled = False

    def register_permissions(self):
        # Before Wagtail's own registration, which would install a policy without scope.
        register_scoped_policy(self.model, self.scope)
        super().register_permissions()

    def get_queryset(self, request):
        return _visible(self.model, request.user)

    def in_scope(self, request, pk) -> bool:
        try:
            return _visible(self.model, request.user).filter(pk=pk).exists()
        except (ValidationError, ValueError):
            return False

    def _guarded(self, pattern: URLPattern) -> URLPattern:
        if "pk" not in pattern.pattern.regex.groupindex:
            return pattern
        view = pattern.callback

        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            if not self.in_scope(request, unquote(str(kwargs["pk"]))):
                raise Http404
            return view(request, *args, **kwargs)

        return URLPattern(pattern.pattern, guarded, pattern.default_args, pattern.name)

    def get_urlpatterns(self):
        return [self._guarded(pattern) for pattern in super().get_urlpatterns()]


# -- staff and their kecamatan ---------------------------------------------------------


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
