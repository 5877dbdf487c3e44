from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles; each is a Django/Wagtail group of the same name (ARCHITECTURE.md)."""

    ADMIN_PEMDA = "Admin Pemda", _("Pemda administrator")
    CAMAT = "Camat", _("Camat")
    PETUGAS_LOKET = "Petugas Loket", _("Front-office clerk")
    BACK_OFFICE = "Back Office", _("Back office")
    PPID = "PPID", _("Information officer (PPID)")
    ATASAN_PPID = "Atasan PPID", _("Superior of the PPID (answers objections)")
    EVALUATOR = "Evaluator", _("Evaluator")
    PENYUSUN_STANDAR = "Penyusun Standar", _("Service standard editor")


# Roles whose work happens inside one kecamatan: a user holding one of them must be
# assigned to at least one kecamatan, and never gets a pemda-wide scope by default.
KECAMATAN_ROLES = frozenset({Role.CAMAT, Role.PETUGAS_LOKET, Role.BACK_OFFICE})

# Satisfaction survey (SKM) work of kecamatan staff, scoped to their kecamatan: see
# responses and kiosks, enter and import paper questionnaires.
SURVEY_ENTRY = (
    "reporting.view_surveyresponse",
    "reporting.add_surveyresponse",
    "reporting.view_surveyperiod",
    "reporting.view_surveykiosk",
)

# Model permissions per role, as "app_label.codename" or "app_label.*" for every
# permission of an app. Synchronised after each migrate (accounts.services), so a
# model added by a later app only needs a line here.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN_PEMDA: (
        "wagtailadmin.access_admin",
        "regions.*",
        "accounts.*",
        "audit.view_auditevent",
        "workdays.*",
        "paten_site.*",
        "service_catalog.*",
        "forms_builder.*",
        "reporting.*",
        "django_celery_beat.*",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "wagtaildocs.*",
        "wagtailimages.*",
        # Offline kecamatan: enrol laptops, exchange bundles (docs/sync.md).
        "sync.*",
        # The PPID structure and deadlines of the installation (paten.ppid).
        "ppid.change_ppidsettings",
    ),
    Role.CAMAT: (
        "wagtailadmin.access_admin",
        "regions.view_region",
        "audit.view_auditevent",
        "workdays.view_calendaroverride",
        # The camat signs the kecamatan's documents: they may show an applicant's
        # personal data (masked by default; each read is recorded).
        "forms_builder.view_personal_data",
        # The camat signs the kecamatan's maklumat pelayanan (scoped to their kecamatan).
        "service_catalog.view_maklumat",
        "service_catalog.add_maklumat",
        "service_catalog.change_maklumat",
        # The kecamatan's applications (the PPID and the evaluator do not hold it).
        "forms_builder.view_application",
        # Their office's address, service hours and signature block (own kecamatan only).
        "paten_site.view_kecamatanoffice",
        "paten_site.add_kecamatanoffice",
        "paten_site.change_kecamatanoffice",
        *SURVEY_ENTRY,
        # The camat runs the kecamatan's kiosks and its follow-up (rencana tindak lanjut).
        "reporting.add_surveykiosk",
        "reporting.change_surveykiosk",
        "reporting.view_followupplan",
        "reporting.add_followupplan",
        "reporting.change_followupplan",
        # Reports of the kecamatan: request, download, and schedule them.
        "reporting.view_reportrun",
        "reporting.add_reportrun",
        "reporting.view_reportoutput",
        "reporting.view_reportschedule",
        "reporting.add_reportschedule",
        "reporting.change_reportschedule",
        "reporting.delete_reportschedule",
        # At the kecamatan's offline laptop: send and receive bundles.
        "sync.exchange_bundles",
    ),
    Role.PETUGAS_LOKET: (
        "wagtailadmin.access_admin",
        "regions.view_region",
        "forms_builder.view_application",
        *SURVEY_ENTRY,
    ),
    Role.BACK_OFFICE: (
        "wagtailadmin.access_admin",
        "regions.view_region",
        "forms_builder.view_application",
        *SURVEY_ENTRY,
        # Reports of the kecamatan; the front office requests none.
        "reporting.view_reportrun",
        "reporting.add_reportrun",
        "reporting.view_reportoutput",
    ),
    # PPID utama (no kecamatan) and kecamatan PPID (pelaksana): the public information
    # list, requests, objections filed at the desk, registers and reports; routing is
    # the PPID utama's (a scope rule in paten.ppid.permissions). Answering objections
    # is the atasan PPID's, never the PPID's (UU 14/2008 Pasal 36).
    Role.PPID: (
        "wagtailadmin.access_admin",
        "regions.view_region",
        "ppid.view_dipentry",
        "ppid.add_dipentry",
        "ppid.change_dipentry",
        "ppid.publish_dipentry",
        "ppid.lock_dipentry",
        "ppid.unlock_dipentry",
        "ppid.view_consequencetest",
        "ppid.add_consequencetest",
        "ppid.change_consequencetest",
        "ppid.view_informationrequest",
        "ppid.add_informationrequest",
        "ppid.route_informationrequest",
        "ppid.decide_informationrequest",
        "ppid.view_personal_data",
        "ppid.view_objection",
        "ppid.add_objection",
        "ppid.view_dispute",
        "ppid.view_exceptionground",
        "ppid.add_exceptionground",
        "ppid.change_exceptionground",
        "ppid.view_dipcategory",
        "ppid.add_dipcategory",
        "ppid.change_dipcategory",
        "ppid.view_responsetemplate",
        "ppid.change_responsetemplate",
        "ppid.view_reportnarrative",
        "ppid.add_reportnarrative",
        "ppid.change_reportnarrative",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
        "reporting.view_reportrun",
        "reporting.add_reportrun",
        "reporting.view_reportoutput",
    ),
    Role.ATASAN_PPID: (
        "wagtailadmin.access_admin",
        "regions.view_region",
        "ppid.view_informationrequest",
        "ppid.view_personal_data",
        "ppid.view_objection",
        "ppid.decide_objection",
        "ppid.view_dispute",
        "ppid.view_dipentry",
        "ppid.view_consequencetest",
        "reporting.view_reportrun",
        "reporting.add_reportrun",
        "reporting.view_reportoutput",
    ),
    Role.EVALUATOR: (
        "wagtailadmin.access_admin",
        "regions.view_region",
        "audit.view_auditevent",
        "reporting.view_surveyresponse",
        "reporting.view_surveyperiod",
        "reporting.view_reportrun",
        "reporting.add_reportrun",
        "reporting.view_reportoutput",
        # Kecamatan evaluation: read the instruments and periods. Verifying
        # evidence, and the camat's and back office's evidence of their own kecamatan,
        # are role checks in reporting.evaluation.services (no model permission).
        "reporting.view_evaluationinstrument",
        "reporting.view_evaluationaspect",
        "reporting.view_evaluationperiod",
    ),
    # Drafts service standards and submits them for moderation; cannot publish.
    Role.PENYUSUN_STANDAR: (
        "wagtailadmin.access_admin",
        "service_catalog.view_legalinstrument",
        "service_catalog.view_delegatedauthority",
        "service_catalog.view_servicecategory",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ),
}

# Wagtail page permissions granted on the root page (whole site) per role.
ROLE_PAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN_PEMDA: ("add", "change", "publish", "lock", "unlock", "bulk_delete"),
    Role.PENYUSUN_STANDAR: ("add", "change"),
}
