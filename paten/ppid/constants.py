"""Choices of the PPID domain, each with the article of the law it comes from.

The facts and their sources are collected in ``docs/domain/ppid.md``: UU 14/2008
tentang Keterbukaan Informasi Publik (KIP) and Peraturan Komisi Informasi 1/2021
tentang Standar Layanan Informasi Publik.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InformationClass(models.TextChoices):
    """The four classes of public information (UU 14/2008 Pasal 9, 10, 11 and 17)."""

    PERIODIC = "berkala", _("Periodic (berkala)")
    IMMEDIATE = "serta_merta", _("Immediate (serta-merta)")
    ANY_TIME = "setiap_saat", _("Available at any time (setiap saat)")
    EXEMPT = "dikecualikan", _("Exempt (dikecualikan)")


class AvailableForm(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")
    BOTH = "keduanya", _("Softcopy and hardcopy")


class RequestChannel(models.TextChoices):
    ONLINE = "online", _("Online form")
    DESK = "loket", _("In person at the desk")
    LETTER = "surat", _("Letter")
    EMAIL = "email", _("Email")


class RequesterKind(models.TextChoices):
    INDIVIDUAL = "perorangan", _("Individual")
    GROUP = "kelompok", _("Group of people")
    LEGAL_ENTITY = "badan_hukum", _("Legal entity")


class ObtainMethod(models.TextChoices):
    """How the requester wants to obtain the information (Perki 1/2021 request form)."""

    INSPECT = "melihat", _("See, read, listen to or take notes")
    COPY = "salinan", _("Get a copy (softcopy or hardcopy)")


class DeliveryMethod(models.TextChoices):
    """How a copy reaches the requester (Perki 1/2021 request form)."""

    DOWNLOAD = "unduh", _("Download from the request tracker")
    EMAIL = "email", _("By email")
    PICKUP = "ambil", _("Pick it up at the office")
    POST = "pos", _("By post or courier")


class RequestState(models.TextChoices):
    RECEIVED = "diterima", _("Received")
    ROUTED = "didisposisi", _("Routed to the kecamatan PPID")
    EXTENDED = "diperpanjang", _("Extended")
    GRANTED = "dikabulkan", _("Granted in full")
    GRANTED_IN_PART = "dikabulkan_sebagian", _("Granted in part")
    REFUSED = "ditolak", _("Refused")
    NOT_HELD = "tidak_dikuasai", _("Information not held")
    WITHDRAWN = "ditarik", _("Withdrawn by the requester")


OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.ROUTED, RequestState.EXTENDED})
#: The written notice (pemberitahuan tertulis) of UU 14/2008 Pasal 22 ayat (7).
DECISION_STATES = frozenset(
    {
        RequestState.GRANTED,
        RequestState.GRANTED_IN_PART,
        RequestState.REFUSED,
        RequestState.NOT_HELD,
    }
)
CLOSED_STATES = DECISION_STATES | {RequestState.WITHDRAWN}
#: Decisions whose answer documents the requester downloads from the tracker.
GRANTING_STATES = frozenset({RequestState.GRANTED, RequestState.GRANTED_IN_PART})


class RequestEventKind(models.TextChoices):
    RECEIVED = "diterima", _("Request received")
    ROUTED = "didisposisi", _("Routed")
    EXTENDED = "diperpanjang", _("Deadline extended")
    DECIDED = "diputuskan", _("Written notice sent")
    WITHDRAWN = "ditarik", _("Withdrawn")
    DOCUMENT_ADDED = "berkas", _("Answer document added")
    PUBLISHED = "diumumkan", _("Published to the public information list")
    OBJECTION_FILED = "keberatan", _("Objection filed")
    OBJECTION_ANSWERED = "keberatan_dijawab", _("Objection answered")
    DISPUTE_RECORDED = "sengketa", _("Dispute recorded")


class FileKind(models.TextChoices):
    IDENTITY = "ktp", _("Copy of identity card (KTP)")
    LETTER = "surat", _("Request letter")
    ANSWER = "jawaban", _("Answer document")
    NOTICE = "pemberitahuan", _("Written notice")
    OBJECTION_ANSWER = "tanggapan_keberatan", _("Answer to the objection")


#: Files the requester may download from the tracker (never the identity card copy).
REQUESTER_FILE_KINDS = frozenset({FileKind.ANSWER, FileKind.NOTICE, FileKind.OBJECTION_ANSWER})


class ObjectionGround(models.TextChoices):
    """Grounds of an objection (UU 14/2008 Pasal 35 ayat (1) huruf a–g)."""

    REFUSED_EXCEPTION = "a", _("a. The request was refused on an exception ground (Pasal 17)")
    PERIODIC_NOT_PROVIDED = "b", _("b. Periodic information (Pasal 9) was not provided")
    NOT_ANSWERED = "c", _("c. The request was not answered")
    NOT_AS_REQUESTED = "d", _("d. The request was answered other than as requested")
    NOT_FULFILLED = "e", _("e. The request was not fulfilled")
    UNREASONABLE_COST = "f", _("f. An unreasonable cost was charged")
    LATE = "g", _("g. The information was given later than the law allows")


class ObjectionState(models.TextChoices):
    RECEIVED = "diterima", _("Received")
    ANSWERED = "ditanggapi", _("Answered")


class ObjectionDecision(models.TextChoices):
    UPHELD = "diterima", _("Objection upheld: the information is to be given")
    REJECTED = "ditolak", _("Objection rejected: the PPID's decision stands")


class RequesterResponse(models.TextChoices):
    ACCEPTED = "menerima", _("Accepts the answer")
    DISPUTE = "sengketa", _("Takes it to the Komisi Informasi")


class DisputeStage(models.TextChoices):
    MEDIATION = "mediasi", _("Mediation")
    ADJUDICATION = "ajudikasi", _("Non-litigation adjudication")
    COURT = "pengadilan", _("Court")


class DisputeOutcome(models.TextChoices):
    PENDING = "berjalan", _("In progress")
    SETTLED = "mediasi_berhasil", _("Settled by mediation")
    FOR_REQUESTER = "dikabulkan", _("Decided for the requester")
    FOR_PUBLIC_BODY = "ditolak", _("Decided for the public body")
    WITHDRAWN = "dicabut", _("Withdrawn")


class TemplateKind(models.TextChoices):
    """The letters the PPID sends; one admin-edited template each."""

    GRANTED = "dikabulkan", _("Written notice: granted in full")
    GRANTED_IN_PART = "dikabulkan_sebagian", _("Written notice: granted in part")
    REFUSED = "ditolak", _("Written notice: refused")
    NOT_HELD = "tidak_dikuasai", _("Written notice: information not held")
    WITHDRAWN = "ditarik", _("Confirmation of withdrawal")
    EXTENSION = "perpanjangan", _("Notice of extension")
    OBJECTION_ANSWER = "tanggapan_keberatan", _("Answer to an objection")


class ReportPeriod(models.TextChoices):
    YEAR = "tahun", _("Whole year")
    SEMESTER_1 = "semester_1", _("Semester I (January–June)")
    SEMESTER_2 = "semester_2", _("Semester II (July–December)")
