"""The application workflow: states and the ONE table of allowed transitions.

The PATEN flow (Permendagri 4/2010; docs/domain/paten.md#the-service-flow): permohonan
→ verifikasi (kelengkapan + keabsahan; incomplete files go back to the applicant,
invalid ones are refused) → proses (the service's procedure steps in order) →
penandatanganan by the camat → selesai (ready for pick-up) → diserahkan. An applicant
may cancel while nothing has been processed.

Each edge names the roles that may take it. Anything not in ``TRANSITIONS`` is refused
by ``services.applications.application_transition``; nothing else decides.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from paten.accounts.constants import Role
from service_catalog.constants import StepTransition


class ApplicationState(models.TextChoices):
    SUBMITTED = "diajukan", _("Submitted")
    VERIFYING = "verifikasi", _("Being verified")
    RETURNED = "dikembalikan", _("Returned for completion")
    REJECTED = "ditolak", _("Rejected")
    PROCESSING = "diproses", _("Being processed")
    AWAITING_SIGNATURE = "menunggu_tanda_tangan", _("Awaiting the camat's signature")
    FINISHED = "selesai", _("Finished, ready for pick-up")
    HANDED_OVER = "diserahkan", _("Handed over")
    CANCELLED = "dibatalkan", _("Cancelled")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "loket", _("At the counter (loket)")


# The applicant is not a staff user: they act through the public tracker, holding the
# tracking code. This pseudo-role appears in the table like the staff roles.
APPLICANT = "pemohon"

S = ApplicationState
# States in which the application is still running (counted against its due date).
OPEN_STATES = frozenset({S.SUBMITTED, S.VERIFYING, S.RETURNED, S.PROCESSING, S.AWAITING_SIGNATURE})
# States in which the work of the kecamatan is done (the SLA clock has stopped).
DONE_STATES = frozenset({S.FINISHED, S.HANDED_OVER, S.REJECTED, S.CANCELLED})


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    label: str
    needs_note: bool = False


def _t(source, target, roles, label, needs_note=False) -> Transition:
    return Transition(str(source), str(target), frozenset(str(r) for r in roles), label, needs_note)


TRANSITIONS: tuple[Transition, ...] = (
    _t(S.SUBMITTED, S.VERIFYING, [Role.PETUGAS_LOKET], _("Start verification")),
    _t(S.VERIFYING, S.PROCESSING, [Role.PETUGAS_LOKET], _("File complete: start processing")),
    _t(S.VERIFYING, S.RETURNED, [Role.PETUGAS_LOKET], _("Return for completion"), True),
    _t(S.VERIFYING, S.REJECTED, [Role.PETUGAS_LOKET], _("Reject"), True),
    _t(S.RETURNED, S.SUBMITTED, [APPLICANT, Role.PETUGAS_LOKET], _("Resubmit")),
    # diproses → diproses moves to the next procedure step; the last step moves on to
    # the camat's signature (the service checks which of the two applies).
    _t(S.PROCESSING, S.PROCESSING, [Role.BACK_OFFICE], _("Step done: next step")),
    _t(S.PROCESSING, S.AWAITING_SIGNATURE, [Role.BACK_OFFICE], _("Last step done: to the camat")),
    _t(S.AWAITING_SIGNATURE, S.FINISHED, [Role.CAMAT], _("Sign and issue")),
    _t(S.FINISHED, S.HANDED_OVER, [Role.PETUGAS_LOKET], _("Hand over to the applicant")),
    _t(S.SUBMITTED, S.CANCELLED, [APPLICANT, Role.PETUGAS_LOKET], _("Cancel")),
    _t(S.VERIFYING, S.CANCELLED, [APPLICANT, Role.PETUGAS_LOKET], _("Cancel")),
    _t(S.RETURNED, S.CANCELLED, [APPLICANT, Role.PETUGAS_LOKET], _("Cancel")),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}


# The edges that record a procedure step by themselves, when the service's step says so
# (``ProcedureStep.recorded_by``); the back office never marks those steps done.
STEP_RECORDING_EDGES = {
    ("", S.SUBMITTED.value): StepTransition.INTAKE,
    (S.VERIFYING.value, S.PROCESSING.value): StepTransition.VERIFICATION,
    (S.AWAITING_SIGNATURE.value, S.FINISHED.value): StepTransition.SIGNATURE,
    (S.FINISHED.value, S.HANDED_OVER.value): StepTransition.HANDOVER,
}


def step_recorded_by_edge(steps, source: str, target: str) -> int | None:
    """The index in ``steps`` (the service's procedure steps, in order) of the step that
    the edge ``source`` → ``target`` records, or None."""
    kind = STEP_RECORDING_EDGES.get((str(source), str(target)))
    if kind is None:
        return None
    return next((i for i, step in enumerate(steps) if step.recorded_by == kind), None)


def back_office_steps(steps) -> list[int]:
    """Indexes of the steps the back office marks done (no transition records them)."""
    return [i for i, step in enumerate(steps) if not step.recorded_by]


def back_office_step_at(steps, current: int) -> int | None:
    """The back-office step an application at ``current`` works on: ``current`` itself,
    or the next back-office step after it (an older application may point at a step a
    transition records now); None when none is left."""
    return next((i for i in back_office_steps(steps) if i >= current), None)


def is_last_back_office_step(steps, current: int) -> bool:
    """Whether no back-office step follows the one at ``current``: the next move sends the
    application to the camat."""
    at = back_office_step_at(steps, current)
    return at is None or not any(i > at for i in back_office_steps(steps))


def transition_for(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((str(source), str(target)))


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == str(source)]


def states_waiting_for(roles: set[str]) -> frozenset[str]:
    """The states in which the next move belongs to one of ``roles``, read from the
    transition table: the source of every edge those roles may take, except edges the
    applicant may take too (a returned file waits for the applicant, not the counter)."""
    return frozenset(t.source for t in TRANSITIONS if t.roles & roles and APPLICANT not in t.roles)


def next_state_hint(state: str) -> str:
    """What happens next, in words a citizen understands (for the public tracker)."""
    hints = {
        S.SUBMITTED: _("The counter staff will check your documents."),
        S.VERIFYING: _("The counter staff are checking that your documents are complete."),
        S.RETURNED: _("Complete what is missing, then resubmit with your tracking code."),
        S.PROCESSING: _("Your application is being processed."),
        S.AWAITING_SIGNATURE: _("Your document is waiting for the camat's signature."),
        S.FINISHED: _("Your document is ready: pick it up at the kecamatan counter."),
        S.HANDED_OVER: _("Your document has been handed over."),
        S.REJECTED: _("Your application was rejected; see the reason."),
        S.CANCELLED: _("Your application was cancelled."),
    }
    return str(hints.get(state, ""))
