"""Admin pages of the offline sync: enrol, revoke, download and upload bundles.

Thin views over ``services``: at the central a pemda-wide user with the sync permission
sees every offline instance; at an instance its staff with that permission send and
receive bundles. Every bundle is a file kept under ``PATEN_VAR_DIR/sync/`` and served
only through ``bundle_download``.
"""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from paten.regions.constants import RegionLevel
from paten.regions.models import Region

from . import identity, imports, jobs, selectors, services
from .constants import BundleStatus, Direction, InstallationRole, PeerStatus
from .models import BundleLog, Peer, SyncAnomaly

PERMISSION = "sync.exchange_bundles"


def user_may_sync(user) -> bool:
    if not user.has_perm(PERMISSION):
        return False
    if identity.installation().is_instance:
        return True
    from paten.accounts.selectors import kecamatan_scope_for

    return kecamatan_scope_for(user).is_pemda_wide


def _require(request) -> None:
    if not user_may_sync(request.user):
        raise PermissionDenied


def out_path(name: str) -> Path:
    return imports.sync_dir("out") / name


class SyncHomeView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Offline sync")
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if identity.installation().is_instance:
            return ["sync/admin/home_instance.html"]
        return ["sync/admin/home_central.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        me = identity.installation()
        if me.is_instance:
            central = identity.central_peer()
            context.update(
                me=me,
                central=central,
                log=BundleLog.objects.filter(peer=central)[:30],
                upload_form=UploadForm(),
            )
        else:
            context.update(
                instances=selectors.instance_rows(),
                fingerprint=services.central_fingerprint(),
                log=BundleLog.objects.select_related("peer")[:30],
                anomalies=SyncAnomaly.objects.select_related("peer", "bundle")[:50],
                upload_form=UploadForm(),
            )
        return context


class EnrolForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=gettext_lazy("Kecamatan"), queryset=Region.objects.none()
    )
    request_file = forms.FileField(
        label=gettext_lazy("Enrolment request from the laptop"),
        help_text=gettext_lazy("The file written by manage.py sync_enrol --request on the laptop."),
    )
    fingerprint = forms.CharField(
        label=gettext_lazy("Fingerprint shown on the laptop"),
        max_length=40,
        help_text=gettext_lazy(
            "Read it from the laptop's screen: it proves the file is that laptop's."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Region.objects.filter(
            level=RegionLevel.KECAMATAN
        ).order_by("name")

    def clean(self):
        data = super().clean()
        upload = data.get("request_file")
        if upload is None:
            return data
        if upload.size > 64 * 1024:
            raise ValidationError(_("This file is not a PATEN enrolment request."))
        document = services.enrolment_request_read(upload.read())
        typed = "".join((data.get("fingerprint") or "").split()).upper()
        if typed != document["fingerprint"].replace(" ", ""):
            raise ValidationError(
                {"fingerprint": _("The fingerprint does not match the request file.")}
            )
        data["request"] = document
        return data


class EnrolView(WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Enrol an offline laptop")
    header_icon = "resubmit"
    template_name = "sync/admin/enrol.html"
    form_class = EnrolForm

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        if identity.installation().is_instance:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fingerprint"] = services.central_fingerprint()
        return context

    def form_valid(self, form):
        path = out_path(f"{uuid.uuid4().hex}.paten")
        try:
            enrolment = services.instance_enrol(
                request=form.cleaned_data["request"],
                kecamatan=form.cleaned_data["kecamatan"],
                actor=self.request.user,
                path=path,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        path.rename(out_path(f"{enrolment.result.log.pk}.paten"))
        messages.success(
            self.request,
            _("The laptop is enrolled for Kecamatan %(name)s. Download its enrolment bundle below.")
            % {"name": enrolment.peer.kecamatan.name},
        )
        return redirect(reverse("sync_admin:home") + f"#bundle-{enrolment.result.log.pk}")


class UploadForm(forms.Form):
    bundle = forms.FileField(label=gettext_lazy("Bundle file (.paten)"))


def bundle_upload(request):
    _require(request)
    if request.method != "POST":
        return redirect("sync_admin:home")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a bundle file."))
        return redirect("sync_admin:home")
    upload = form.cleaned_data["bundle"]
    if upload.size > getattr(settings, "PATEN_SYNC_INLINE_MAX_BYTES", 10 * 1024 * 1024):
        # A big bundle is imported by a worker; the page follows its progress.
        token = jobs.job_start(kind="import")
        with jobs.inbox_path(token).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return redirect("sync_admin:job", token=token)
    target = imports.sync_dir("inbox") / f"{uuid.uuid4().hex}.paten"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        outcome = services.bundle_import(path=target)
    finally:
        target.unlink(missing_ok=True)
    text = f"{BundleStatus(outcome.status).label}: {outcome.message}"
    if outcome.status == BundleStatus.REFUSED:
        messages.error(request, text)
    elif outcome.status == BundleStatus.APPLIED:
        messages.success(request, text)
    else:
        messages.info(request, text)
    return redirect("sync_admin:home")


def _export_and_redirect(request, make) -> object:
    path = out_path(f"{uuid.uuid4().hex}.paten")
    try:
        result = make(path)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sync_admin:home")
    path.rename(out_path(f"{result.log.pk}.paten"))
    return redirect("sync_admin:download", pk=result.log.pk)


def down_export(request, pk):
    _require(request)
    if request.method != "POST" or identity.installation().is_instance:
        raise PermissionDenied
    peer = get_object_or_404(Peer, pk=pk, role=InstallationRole.INSTANCE)
    return _export_and_redirect(
        request,
        lambda path: services.down_export(
            peer=peer, path=path, resend=request.POST.get("resend") == "1"
        ),
    )


def up_export(request):
    """The kecamatan's records may be many: written by a worker, with progress."""
    _require(request)
    if request.method != "POST" or not identity.installation().is_instance:
        raise PermissionDenied
    token = jobs.job_start(
        kind="up_export",
        options={
            "final": request.POST.get("final") == "1",
            "resend": request.POST.get("resend") == "1",
        },
    )
    return redirect("sync_admin:job", token=token)


class JobView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Bundle in progress")
    header_icon = "resubmit"
    template_name = "sync/admin/job.html"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        if jobs.job_state(kwargs["token"]) is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["state"] = jobs.job_state(kwargs["token"])
        context["token"] = kwargs["token"]
        return context


def job_status(request, token):
    _require(request)
    state = jobs.job_state(token)
    if state is None:
        raise Http404
    payload = {k: state.get(k) for k in ("status", "done", "total", "message", "finished")}
    if state.get("bundle"):
        payload["download"] = reverse("sync_admin:download", args=[state["bundle"]])
    return JsonResponse(payload)


def bundle_download(request, pk):
    _require(request)
    log = get_object_or_404(BundleLog, pk=pk, direction=Direction.OUT)
    path = out_path(f"{log.pk}.paten")
    if not path.exists():
        raise Http404
    stamp = timezone.localtime(log.received_at).strftime("%Y%m%d-%H%M")
    name = f"paten-{log.kind}-{log.sequence}-{stamp}.paten"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, max_length=500)


def revoke(request, pk):
    _require(request)
    if request.method != "POST" or identity.installation().is_instance:
        raise PermissionDenied
    peer = get_object_or_404(Peer, pk=pk, role=InstallationRole.INSTANCE, status=PeerStatus.ACTIVE)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the instance is revoked."))
        return redirect("sync_admin:home")
    services.instance_revoke(peer=peer, reason=form.cleaned_data["reason"], actor=request.user)
    messages.success(
        request,
        _("The laptop of Kecamatan %(name)s is revoked; its bundles are refused from now on.")
        % {"name": peer.kecamatan.name if peer.kecamatan_id else "?"},
    )
    return redirect("sync_admin:home")
