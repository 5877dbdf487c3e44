"""The public information list (Daftar Informasi Publik, DIP) and the consequence tests.

A DIP entry carries the minimum columns of the list (number, summary, the official or
unit holding it, who is responsible for it, when and where it was made, its form, its
retention) plus its class, topic, unit and documents (``docs/domain/ppid.md``). Entries
are Wagtail snippets with drafts, revisions, locking and moderation, as services are.

An exempt entry shows only the consequence test (uji konsekuensi) that exempted it:
the ground with its article of UU 14/2008 Pasal 17, the consequence disclosure would
have and the period of the exception, never the content (UU 14/2008 Pasal 2 ayat (4);
Perki 1/2021; ``docs/domain/ppid.md``).
"""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.models.workflows import AbstractGroupApprovalTask
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from ..constants import AvailableForm, InformationClass
from .config import KECAMATAN_ONLY, PERIODIC_UPDATE_MONTHS_MAX


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31 Aug + 6 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


class ConsequenceTest(models.Model):
    """An uji konsekuensi: the decision that some information is exempt, and until when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=60, unique=True, editable=False)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to=KECAMATAN_ONLY,
        related_name="+",
        help_text=_("Empty: decided by the PPID utama for the pemda."),
    )
    information = models.CharField(
        _("information exempted"),
        max_length=300,
        help_text=_("Name the information precisely, without disclosing it."),
    )
    ground = models.ForeignKey(
        "ppid.ExceptionGround",
        verbose_name=_("exception ground"),
        on_delete=models.PROTECT,
        related_name="consequence_tests",
    )
    consequence = models.TextField(
        _("consequence of disclosure"),
        help_text=_("The harm that would arise if the information were opened."),
    )
    public_interest = models.TextField(
        _("weighing against the public interest"),
        blank=True,
        help_text=_("Why closing it protects a greater interest than opening it."),
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    exempt_until = models.DateField(
        _("exempt until"),
        help_text=_("When the exception ends; after this date the entry is flagged for review."),
    )
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("Name and position of the PPID.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    panels = [
        FieldPanel("kecamatan"),
        FieldPanel("information"),
        FieldPanel("ground"),
        FieldPanel("consequence"),
        FieldPanel("public_interest"),
        FieldRowPanel([FieldPanel("decided_on"), FieldPanel("exempt_until")]),
        FieldPanel("decided_by"),
    ]

    class Meta:
        verbose_name = _("consequence test")
        verbose_name_plural = _("consequence tests")
        ordering = ["-decided_on", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.information}" if self.number else self.information

    def clean(self):
        if self.decided_on and self.exempt_until and self.exempt_until <= self.decided_on:
            raise ValidationError(
                {"exempt_until": _("The exception must end after the date of the decision.")}
            )

    def is_expired(self, today: date | None = None) -> bool:
        return self.exempt_until < (today or timezone.localdate())

    @property
    def period_years(self) -> int:
        """Whole years of the exception, for the public page ("5 tahun")."""
        days = (self.exempt_until - self.decided_on).days
        return max(1, round(days / 365.25))


class DipEntry(
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    index.Indexed,
    ClusterableModel,
):
    """One line of the Daftar Informasi Publik."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=60, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(
        _("summary of the content"),
        blank=True,
        help_text=_("Not shown to the public for exempt information."),
    )
    information_class = models.CharField(
        _("class"), max_length=16, choices=InformationClass.choices
    )
    category = models.ForeignKey(
        "ppid.DipCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to=KECAMATAN_ONLY,
        related_name="+",
        help_text=_("Empty: held at pemda level (PPID utama)."),
    )
    holding_unit = models.CharField(_("official or unit holding the information"), max_length=200)
    responsible = models.CharField(_("responsible for making or publishing it"), max_length=200)
    produced_on = models.DateField(_("date made"), null=True, blank=True)
    produced_at = models.CharField(_("place made"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year of the information"),
        validators=[MinValueValidator(1945), MaxValueValidator(2100)],
    )
    available_form = models.CharField(
        _("form available"),
        max_length=10,
        choices=AvailableForm.choices,
        default=AvailableForm.SOFTCOPY,
    )
    retention = models.CharField(
        _("retention period"),
        max_length=120,
        help_text=_("As in the archive retention schedule (jadwal retensi arsip), e.g. 5 tahun."),
    )
    updated_on = models.DateField(
        _("information last updated on"),
        null=True,
        blank=True,
        help_text=_("Periodic information: the list flags it when the next update is overdue."),
    )
    update_months = models.PositiveSmallIntegerField(
        _("update every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(PERIODIC_UPDATE_MONTHS_MAX)],
        help_text=_("Periodic information only; empty: the PPID settings (at most 6)."),
    )
    immediate_until = models.DateField(
        _("shown on the home page until"),
        null=True,
        blank=True,
        help_text=_("Immediate (serta-merta) information only; empty: until unpublished."),
    )
    consequence_test = models.ForeignKey(
        ConsequenceTest,
        verbose_name=_("consequence test"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        help_text=_("Required for exempt information."),
    )
    source_request = models.ForeignKey(
        "ppid.InformationRequest",
        verbose_name=_("published from request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("information_class"), FieldPanel("category")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("kecamatan"),
                FieldPanel("holding_unit"),
                FieldPanel("responsible"),
                FieldRowPanel(
                    [FieldPanel("produced_on"), FieldPanel("produced_at"), FieldPanel("year")]
                ),
                FieldRowPanel([FieldPanel("available_form"), FieldPanel("retention")]),
            ],
            heading=_("DIP columns"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("updated_on"), FieldPanel("update_months")]),
                FieldPanel("immediate_until"),
                FieldPanel("consequence_test"),
            ],
            heading=_("By class"),
        ),
        InlinePanel("documents", heading=_("Documents"), label=_("document")),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.AutocompleteField("title"),
        index.FilterField("information_class"),
        index.FilterField("kecamatan"),
        index.FilterField("year"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("public information (DIP)")
        verbose_name_plural = _("public information list (DIP)")
        ordering = ["-year", "number"]
        indexes = [
            models.Index(fields=["live", "information_class", "year"]),
            models.Index(fields=["kecamatan", "live"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.information_class == InformationClass.EXEMPT and not self.consequence_test_id:
            errors["consequence_test"] = _(
                "Exempt information needs the consequence test that exempted it."
            )
        if self.information_class != InformationClass.EXEMPT and self.consequence_test_id:
            errors["consequence_test"] = _("Only exempt information has a consequence test.")
        if self.information_class != InformationClass.IMMEDIATE and self.immediate_until:
            errors["immediate_until"] = _("Only immediate (serta-merta) information has this.")
        if self.information_class != InformationClass.PERIODIC and self.update_months:
            errors["update_months"] = _("Only periodic information has an update cycle.")
        if (
            self.consequence_test_id
            and self.consequence_test.kecamatan_id
            and self.consequence_test.kecamatan_id != self.kecamatan_id
        ):
            errors["consequence_test"] = _("The consequence test belongs to another unit.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_exempt(self) -> bool:
        return self.information_class == InformationClass.EXEMPT

    def next_update_due(self, default_months: int = PERIODIC_UPDATE_MONTHS_MAX) -> date | None:
        """Periodic information: the date by which it must be updated again."""
        if self.information_class != InformationClass.PERIODIC:
            return None
        start = self.updated_on or self.produced_on
        if start is None:
            return None
        return add_months(start, self.update_months or default_months)

    def is_update_overdue(self, today: date | None = None, default_months: int = 6) -> bool:
        due = self.next_update_due(default_months)
        return due is not None and due < (today or timezone.localdate())

    def is_immediate_active(self, today: date | None = None) -> bool:
        return (
            self.live
            and self.information_class == InformationClass.IMMEDIATE
            and (
                self.immediate_until is None
                or self.immediate_until >= (today or timezone.localdate())
            )
        )

    # -- preview (the public page as it would look) ------------------------------------

    def get_preview_template(self, request, mode_name):
        return "ppid/dip_detail.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context.update(entry=self, documents=list(self.documents.all()), preview=True)
        return context


class DipDocument(Orderable):
    """A published document of a DIP entry: a Wagtail document or a page of the site."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = ParentalKey(DipEntry, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("PDF, XLSX or an image."),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("or a page"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    panels = [FieldPanel("title"), FieldPanel("document"), FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("DIP document")
        verbose_name_plural = _("DIP documents")

    def __str__(self) -> str:
        return self.label

    def clean(self):
        if bool(self.document_id) == bool(self.page_id):
            raise ValidationError(_("Choose either a document or a page."))

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        if self.document_id:
            return self.document.title
        if self.page_id:
            return self.page.title
        return ""


class DipApprovalTask(AbstractGroupApprovalTask):
    """Moderation of DIP entries: a member of the chosen groups whose kecamatan scope holds
    the entry approves it, never the person who submitted it (four eyes, as for service
    standards). A kecamatan PPID therefore never sees another kecamatan's submissions."""

    @staticmethod
    def _submitter_id(obj):
        state = getattr(obj, "current_workflow_state", None)
        return state.requested_by_id if state is not None else None

    @staticmethod
    def _in_scope(user, obj) -> bool:
        from paten.accounts.selectors import kecamatan_scope_for

        scope = kecamatan_scope_for(user)
        code = getattr(obj, "kecamatan_id", None)
        return scope.is_pemda_wide or (code is not None and scope.allows(code))

    def get_actions(self, obj, user):
        if user.pk is not None and self._submitter_id(obj) == user.pk:
            return []
        if not self._in_scope(user, obj):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from paten.accounts.selectors import kecamatan_scope_for

        states = (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
        )
        scope = kecamatan_scope_for(user)
        if scope.is_pemda_wide:
            return states
        visible = [
            str(pk)
            for pk in scope.filter(DipEntry.objects.all(), field="kecamatan").values_list(
                "pk", flat=True
            )
        ]
        return states.filter(workflow_state__object_id__in=visible)

    def on_action(self, task_state, user, action_name, **kwargs):
        obj = task_state.workflow_state.content_object
        if action_name == "approve" and task_state.workflow_state.requested_by_id == user.pk:
            raise PermissionDenied(_("You cannot approve a change you submitted yourself."))
        if not self._in_scope(user, obj):
            raise PermissionDenied(_("This entry belongs to another unit."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups whose kecamatan holds the entry approve, except "
            "the person who submitted it"
        )

    class Meta:
        verbose_name = _("public information approval task")
        verbose_name_plural = _("public information approval tasks")
