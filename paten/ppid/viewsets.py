"""The PPID admin: snippet viewsets of the public information list and configuration, and
the staff pages of requests and objections (work queue, desk intake, detail with the
actions the user may take, private files).

Every read goes through ``selectors`` and every rule through ``permissions``: a row of
another kecamatan is a 404 on every surface (list, edit, inspect, history, usage,
revisions, workflow, chooser, files), never a 403 that confirms it exists. Every write
goes through ``services``. Registered in ``wagtail_hooks``.
"""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from forms_builder.resources import mask_email, mask_name, mask_number, mask_phone
from paten.accounts.viewsets import ScopedSnippetViewSet
from paten.audit.services import audit_record
from paten.files import private_file_response
from paten.pagination import admin_page, query_without_page

from . import permissions, selectors, services
from .constants import (
    GRANTING_STATES,
    OPEN_STATES,
    FileKind,
    InformationClass,
    ObjectionState,
)
from .forms import (
    AnswerFileForm,
    DecideForm,
    DeskObjectionForm,
    DeskRequestForm,
    DipEntryAdminForm,
    DisputeForm,
    ExtendForm,
    ObjectionAnswerForm,
    PublishForm,
    QueueFilterForm,
    ResponseForm,
    RouteForm,
    ScopedUnitAdminForm,
    WithdrawForm,
)
from .models import (
    ConsequenceTest,
    DipCategory,
    DipEntry,
    ExceptionGround,
    PpidSettings,
    ReportNarrative,
    ResponseTemplate,
)
from .services import RequestInput

PER_PAGE = 50
PPID_SUBMENU_HOOK = "register_ppid_menu_item"
MASK = "•"

# =============================================================================
# Snippets scoped to the user's kecamatan
# =============================================================================


# -- DIP entries -----------------------------------------------------------------------


class DipEntryCreateView(CreateView):
    def save_instance(self):
        # The DIP number is issued by the service (a locked sequence per unit and year).
        instance = self.form.instance
        if not instance.number:
            instance.number = services.dip_number_issue(kecamatan_code=instance.kecamatan_id)
        return super().save_instance()


def _flags(entry: DipEntry) -> str:
    flags = []
    if entry.information_class == InformationClass.PERIODIC and entry.is_update_overdue(
        default_months=PpidSettings.load().periodic_update_months
    ):
        flags.append(_("Update overdue"))
    if entry.consequence_test_id and entry.consequence_test.is_expired():
        flags.append(_("Exception expired: review"))
    return " · ".join(flags)


class DipEntryViewSet(ScopedSnippetViewSet):
    model = DipEntry
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Public information list (DIP)")
    add_view_class = DipEntryCreateView
    edit_handler = ObjectList(DipEntry.panels, base_form_class=DipEntryAdminForm)
    list_display = [
        "number",
        "title",
        Column(
            "information_class",
            label=gettext_lazy("class"),
            accessor="get_information_class_display",
        ),
        Column("kecamatan", label=gettext_lazy("PPID unit"), accessor="kecamatan"),
        Column("flags", label=gettext_lazy("attention"), accessor=_flags),
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
    ]
    list_filter = ["information_class", "category", "year", "live"]
    search_fields = ["title", "summary", "number"]
    search_backend_name = None
    ordering = ["-year", "number"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category", "kecamatan", "consequence_test")
        )


class ConsequenceTestCreateView(CreateView):
    def save_instance(self):
        instance = self.form.instance
        if not instance.number:
            instance.number = services.consequence_test_number_issue(
                kecamatan_code=instance.kecamatan_id
            )
        return super().save_instance()


class ConsequenceTestViewSet(ScopedSnippetViewSet):
    model = ConsequenceTest
    icon = "warning"
    menu_label = gettext_lazy("Consequence tests")
    add_view_class = ConsequenceTestCreateView
    edit_handler = ObjectList(ConsequenceTest.panels, base_form_class=ScopedUnitAdminForm)
    list_display = [
        "number",
        "information",
        "ground",
        DateColumn("exempt_until", label=gettext_lazy("exempt until")),
        Column(
            "expired",
            label=gettext_lazy("attention"),
            accessor=lambda test: _("Exception expired: review") if test.is_expired() else "",
        ),
    ]
    list_filter = ["ground"]
    search_fields = ["information", "number"]
    search_backend_name = None
    inspect_view_enabled = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ground", "kecamatan")


class ReportNarrativeViewSet(ScopedSnippetViewSet):
    model = ReportNarrative
    icon = "doc-full"
    menu_label = gettext_lazy("Report narratives")
    edit_handler = ObjectList(ReportNarrative.panels, base_form_class=ScopedUnitAdminForm)
    list_display = ["year", "period", "kecamatan", UpdatedAtColumn()]
    list_filter = ["year", "period"]


class ExceptionGroundViewSet(SnippetViewSet):
    model = ExceptionGround
    icon = "warning"
    menu_label = gettext_lazy("Exception grounds")
    list_display = ["article", "name", "active"]
    search_fields = ["article", "name"]
    search_backend_name = None
    copy_view_enabled = False


class DipCategoryViewSet(SnippetViewSet):
    model = DipCategory
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Information categories")
    list_display = ["name", "sort_order"]
    copy_view_enabled = False


class ResponseTemplateViewSet(SnippetViewSet):
    model = ResponseTemplate
    icon = "mail"
    menu_label = gettext_lazy("Letter templates")
    list_display = ["kind", "title"]
    copy_view_enabled = False


# =============================================================================
# Requests: work queue, desk intake, detail and actions
# =============================================================================


def _staff_page(
    request: HttpRequest, template: str, *, title: str, icon: str, context: dict, status: int = 200
) -> TemplateResponse:
    """A staff page in the admin layout, its header and browser title both ``title``."""
    return TemplateResponse(
        request,
        template,
        {"header_title": title, "page_title": title, "header_icon": icon, **context},
        status=status,
    )


def request_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.may_view_requests(request.user):
        raise Http404
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    show = filters.get("tampil") or ""
    now = timezone.now()
    queryset = selectors.request_list_for_user(
        user=request.user,
        state=filters.get("status") or None,
        open_only=show == "terbuka",
        due_soon=show == "segera",
        overdue=show == "terlambat",
        extended=show == "diperpanjang",
        kecamatan=filters.get("unit") or None,
        q=filters.get("q") or "",
        now=now,
    )
    page = admin_page(request, queryset, PER_PAGE)
    soon = selectors._due_soon_until(now)  # noqa: SLF001 (one calendar for the page)
    rows = [
        {
            "request": item,
            "overdue": item.is_overdue(now),
            "due_soon": item.is_open and now <= item.due_at <= soon,
        }
        for item in page.object_list
    ]
    return _staff_page(
        request,
        "ppid/admin/queue.html",
        title=_("Information requests"),
        icon="help",
        context={
            "form": form,
            "page": page,
            "rows": rows,
            "can_intake": permissions.may_register_request(request.user),
            "query_string": query_without_page(request),
            "utama_unit": PpidSettings.load().utama_unit,
        },
    )


def request_intake(request: HttpRequest) -> HttpResponse:
    """Register a walk-in, a letter or an e-mail at the desk."""
    if not permissions.may_register_request(request.user):
        raise Http404
    if request.method == "POST":
        form = DeskRequestForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.request_submit(
                    data=_request_input(data),
                    kecamatan=data.get("kecamatan"),
                    channel=data["channel"],
                    identity_file=data.get("identity_file"),
                    letter_file=data.get("letter_file"),
                    actor=request.user,
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(
                    request,
                    _("Request %(number)s registered; tracking code %(code)s.")
                    % {"number": item.registration_number, "code": item.display_code},
                )
                return redirect("ppid_requests:detail", pk=item.pk)
    else:
        form = DeskRequestForm(user=request.user)
    return _staff_page(
        request,
        "ppid/admin/intake.html",
        title=_("Register a request at the desk"),
        icon="help",
        status=400 if request.method == "POST" else 200,
        context={"form": form},
    )


def _request_input(data: dict) -> RequestInput:
    return RequestInput(
        **{key: data.get(key) or "" for key in RequestInput.__dataclass_fields__}  # noqa: SLF001
    )


def _form_run(request: HttpRequest, form, action) -> bool:
    """Run ``action(cleaned_data)`` if ``form`` is valid and show the message it returns;
    a ``ValidationError`` it raises goes onto the form. True when it ran."""
    if not form.is_valid():
        return False
    try:
        message = action(form.cleaned_data)
    except ValidationError as error:
        _attach(form, error)
        return False
    messages.success(request, message)
    return True


def _attach(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        form.add_error(key if key in form.fields else None, messages_)


def _requester_rows(item, *, unmasked: bool) -> list[tuple[str, str]]:
    name = item.requester_name if unmasked else mask_name(item.requester_name)
    rows = [
        (_("Requester"), f"{name} ({item.get_requester_kind_display()})"),
        (_("NIK"), item.requester_nik if unmasked else mask_number(item.requester_nik)),
        (_("Address"), item.requester_address if unmasked else MASK * 6),
        (_("Occupation"), item.requester_occupation or "—"),
        (
            _("Phone"),
            (item.requester_phone if unmasked else mask_phone(item.requester_phone)) or "—",
        ),
        (
            _("Email"),
            (item.requester_email if unmasked else mask_email(item.requester_email)) or "—",
        ),
    ]
    return rows


def _found(item):
    """``item``, or a 404 when the scoped selector found nothing (another unit's row
    is a 404, never a 403 that confirms it exists)."""
    if item is None:
        raise Http404
    return item


def _detail_or_404(request: HttpRequest, pk):
    return _found(selectors.request_get_for_user(user=request.user, pk=pk))


def _action_forms(request: HttpRequest, item, bound: dict | None = None) -> dict:
    """The forms of the actions this user may take on ``item`` (a bound one re-shown)."""
    user = request.user
    bound = bound or {}
    forms = {}
    if permissions.may_route(user, item):
        forms["route"] = bound.get("route") or RouteForm(initial={"kecamatan": item.kecamatan_id})
    if permissions.may_decide(user, item) and item.state in OPEN_STATES:
        if not item.extension_days and timezone.now() <= item.due_at:
            forms["extend"] = bound.get("extend") or ExtendForm(
                max_days=PpidSettings.load().extension_days_max
            )
        forms["decide"] = bound.get("decide") or DecideForm(user=user)
        forms["withdraw"] = bound.get("withdraw") or WithdrawForm()
    if permissions.may_decide(user, item) and item.state in OPEN_STATES | GRANTING_STATES:
        forms["file"] = bound.get("file") or AnswerFileForm()
    if (
        permissions.may_publish_to_dip(user, item)
        and item.state in GRANTING_STATES
        and not item.published_entry_id
    ):
        forms["publish"] = bound.get("publish") or PublishForm(initial={"title": "", "summary": ""})
    if permissions.may_register_objection(user, item) and not any(
        o.state == ObjectionState.RECEIVED for o in item.objections.all()
    ):
        forms["objection"] = bound.get("objection") or DeskObjectionForm()
    return forms


def request_detail(request: HttpRequest, pk, *, bound: dict | None = None, status: int = 200):
    item = _detail_or_404(request, pk)
    unmasked = permissions.may_see_personal_data(request.user)
    now = timezone.now()
    files = list(item.files.all())
    return _staff_page(
        request,
        "ppid/admin/detail.html",
        title=item.registration_number,
        icon="help",
        status=status,
        context={
            "item": item,
            "requester_rows": _requester_rows(item, unmasked=unmasked),
            "unmasked": unmasked,
            "files": [f for f in files if f.kind != FileKind.IDENTITY or unmasked],
            "identity_hidden": not unmasked and any(f.kind == FileKind.IDENTITY for f in files),
            "events": list(item.events.all()),
            "objections": list(item.objections.all()),
            "overdue": item.is_overdue(now),
            "forms": _action_forms(request, item, bound),
            "utama_unit": PpidSettings.load().utama_unit,
        },
    )


ACTION_FORMS = {
    "route": RouteForm,
    "extend": ExtendForm,
    "decide": DecideForm,
    "withdraw": WithdrawForm,
    "file": AnswerFileForm,
    "publish": PublishForm,
    "objection": DeskObjectionForm,
}


@require_POST
def request_action(request: HttpRequest, pk, action: str) -> HttpResponse:
    """Run one action; a refused or invalid one re-shows the detail with its message."""
    item = _detail_or_404(request, pk)
    if action not in _action_forms(request, item):
        raise Http404
    form_class = ACTION_FORMS[action]
    kwargs = {}
    if action == "decide":
        kwargs["user"] = request.user
    if action == "extend":
        kwargs["max_days"] = PpidSettings.load().extension_days_max
    form = form_class(request.POST, request.FILES, **kwargs)
    if _form_run(request, form, lambda data: _run_action(request, item, action, data)):
        return redirect("ppid_requests:detail", pk=item.pk)
    return request_detail(request, pk, bound={action: form}, status=400)


def _run_action(request: HttpRequest, item, action: str, data: dict) -> str:
    user = request.user
    if action == "route":
        services.request_route(
            request=item, kecamatan=data.get("kecamatan"), actor=user, note=data.get("note", "")
        )
        return _("The request was routed.")
    if action == "extend":
        services.request_extend(request=item, days=data["days"], reason=data["reason"], actor=user)
        return _("The deadline was extended; the requester receives the notice.")
    if action == "decide":
        services.request_decide(
            request=item,
            outcome=data["outcome"],
            actor=user,
            answer=data.get("answer", ""),
            withheld=data.get("withheld", ""),
            exception_ground=data.get("exception_ground"),
            exempt_entry=data.get("exempt_entry"),
            not_held_where=data.get("not_held_where", ""),
            files=data.get("files") or [],
        )
        return _("The written notice was made; the requester can download it from the tracker.")
    if action == "withdraw":
        services.request_withdraw(request=item, actor=user, note=data.get("note", ""))
        return _("The withdrawal was recorded.")
    if action == "file":
        services.request_answer_file_add(
            request=item, uploaded=data["file"], actor=user, title=data.get("title", "")
        )
        return _("The answer document was added.")
    if action == "publish":
        entry = services.request_publish_to_dip(
            request=item,
            actor=user,
            title=data["title"],
            summary=data.get("summary", ""),
            category=data["category"],
            retention=data["retention"],
            publish=user.has_perm(permissions.PUBLISH_DIP),
        )
        return _("Published to the DIP as %(number)s.") % {"number": entry.number}
    if action == "objection":
        objection = services.objection_file(
            request=item,
            ground=data["ground"],
            reasons=data["reasons"],
            proxy_name=data.get("proxy_name", ""),
            proxy_address=data.get("proxy_address", ""),
            channel=data["channel"],
            actor=user,
        )
        return _("Objection %(number)s registered.") % {"number": objection.registration_number}
    raise Http404


def request_file_download(request: HttpRequest, pk) -> HttpResponse:
    """Stream a private file to staff of the request's unit; the KTP copy only to those
    who may see personal data (and the read is recorded in the audit chain)."""
    record = _found(selectors.request_file_get_for_user(user=request.user, pk=pk))
    if record.kind == FileKind.IDENTITY:
        if not permissions.may_see_personal_data(request.user):
            raise Http404
        audit_record(
            actor=request.user,
            action="ppid.personal_data_read",
            target=record.request,
            kecamatan=record.request.kecamatan_id,
            payload={"nomor": record.request.registration_number, "berkas": str(record.pk)},
        )
    ext = os.path.splitext(record.file.name)[1]
    return private_file_response(
        record.file.open("rb"),
        filename=f"{record.request.tracking_code}-{record.kind}{ext}",
        content_type=record.content_type,
    )


# =============================================================================
# Objections
# =============================================================================


def objection_list(request: HttpRequest) -> HttpResponse:
    if not permissions.may_view_objections(request.user):
        raise Http404
    show = request.GET.get("tampil", "")
    queryset = selectors.objection_list_for_user(
        user=request.user, open_only=show == "terbuka", overdue=show == "terlambat"
    )
    page = admin_page(request, queryset, PER_PAGE)
    now = timezone.now()
    return _staff_page(
        request,
        "ppid/admin/objections.html",
        title=_("Objections"),
        icon="warning",
        context={
            "page": page,
            "rows": [{"objection": o, "overdue": o.is_overdue(now)} for o in page.object_list],
            "show": show,
            "query_string": query_without_page(request),
        },
    )


def _objection_or_404(request: HttpRequest, pk):
    return _found(selectors.objection_get_for_user(user=request.user, pk=pk))


def objection_detail(request: HttpRequest, pk, *, bound: dict | None = None, status: int = 200):
    objection = _objection_or_404(request, pk)
    user = request.user
    bound = bound or {}
    forms = {}
    if objection.is_open and permissions.may_answer_objection(user, objection):
        forms["answer"] = bound.get("answer") or ObjectionAnswerForm()
    if not objection.is_open and permissions.may_record_dispute(user, objection):
        forms["response"] = bound.get("response") or ResponseForm(
            initial={"response": objection.requester_response}
        )
        dispute = getattr(objection, "dispute", None)
        forms["dispute"] = bound.get("dispute") or DisputeForm(
            initial=(
                {
                    "registered_on": dispute.registered_on,
                    "case_number": dispute.case_number,
                    "stage": dispute.stage,
                    "outcome": dispute.outcome,
                    "outcome_on": dispute.outcome_on,
                    "note": dispute.note,
                }
                if dispute
                else {}
            )
        )
    unmasked = permissions.may_see_personal_data(user)
    return _staff_page(
        request,
        "ppid/admin/objection_detail.html",
        title=objection.registration_number,
        icon="warning",
        status=status,
        context={
            "objection": objection,
            "item": objection.request,
            "requester_rows": _requester_rows(objection.request, unmasked=unmasked),
            "proxy_name": objection.proxy_name if unmasked else mask_name(objection.proxy_name),
            "forms": forms,
            "overdue": objection.is_overdue(),
            "same_person": objection.request.decided_by_id == user.pk,
        },
    )


OBJECTION_FORMS = {"answer": ObjectionAnswerForm, "response": ResponseForm, "dispute": DisputeForm}


@require_POST
def objection_action(request: HttpRequest, pk, action: str) -> HttpResponse:
    objection = _objection_or_404(request, pk)
    user = request.user
    allowed = {
        "answer": objection.is_open and permissions.may_answer_objection(user, objection),
        "response": not objection.is_open and permissions.may_record_dispute(user, objection),
        "dispute": not objection.is_open and permissions.may_record_dispute(user, objection),
    }
    if not allowed.get(action):
        raise Http404
    form = OBJECTION_FORMS[action](request.POST)
    if _form_run(request, form, lambda data: _run_objection_action(user, objection, action, data)):
        return redirect("ppid_objections:detail", pk=objection.pk)
    return objection_detail(request, pk, bound={action: form}, status=400)


def _run_objection_action(user, objection, action: str, data: dict) -> str:
    if action == "answer":
        services.objection_answer(
            objection=objection, decision=data["decision"], answer=data["answer"], actor=user
        )
        return _("The answer was made; the requester can download it from the tracker.")
    if action == "response":
        services.objection_response_record(
            objection=objection, response=data["response"], note=data["note"], actor=user
        )
        return _("The requester's response was recorded.")
    services.dispute_record(objection=objection, actor=user, **data)
    return _("The dispute was recorded.")


# =============================================================================
# Viewsets for the menu
# =============================================================================


def _menu_item_class(rule, name: str):
    def is_shown(self, request):
        return rule(request.user)

    return type(name, (MenuItem,), {"is_shown": is_shown})


class _StaffPagesViewSet(ViewSet):
    """Staff pages in the PPID submenu: ``pages`` are (route, view, URL name), the first
    one the menu's target; the menu item shows to users ``menu_item_class`` admits."""

    menu_hook = PPID_SUBMENU_HOOK
    pages: tuple = ()

    def get_urlpatterns(self):
        return [path(route, view, name=name) for route, view, name in self.pages]

    @property
    def menu_url(self):
        return reverse(f"{self.name}:{self.pages[0][2]}")


class RequestAdminViewSet(_StaffPagesViewSet):
    name = "ppid_requests"
    url_prefix = "ppid/permohonan"
    icon = "help"
    menu_label = gettext_lazy("Information requests")
    menu_order = 1
    menu_item_class = _menu_item_class(permissions.may_view_requests, "RequestsMenuItem")
    pages = (
        ("", request_queue, "queue"),
        ("loket/", request_intake, "intake"),
        ("<uuid:pk>/", request_detail, "detail"),
        ("<uuid:pk>/aksi/<slug:action>/", request_action, "action"),
        ("berkas/<uuid:pk>/", request_file_download, "file"),
    )


class ObjectionAdminViewSet(_StaffPagesViewSet):
    name = "ppid_objections"
    url_prefix = "ppid/keberatan"
    icon = "warning"
    menu_label = gettext_lazy("Objections")
    menu_order = 2
    menu_item_class = _menu_item_class(permissions.may_view_objections, "ObjectionsMenuItem")
    pages = (
        ("", objection_list, "list"),
        ("<uuid:pk>/", objection_detail, "detail"),
        ("<uuid:pk>/aksi/<slug:action>/", objection_action, "action"),
    )


class PpidMenuGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("Public information (PPID)")
    menu_icon = "info-circle"
    menu_name = "ppid"
    menu_order = 215
    submenu_hook = PPID_SUBMENU_HOOK
    items = (
        DipEntryViewSet,
        ConsequenceTestViewSet,
        ReportNarrativeViewSet,
        DipCategoryViewSet,
        ExceptionGroundViewSet,
        ResponseTemplateViewSet,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        # After the requests and objections pages (menu_order 1 and 2).
        for index, item in enumerate(items, start=3):
            item.order = index
        return items
