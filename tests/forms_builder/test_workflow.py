"""The workflow: every allowed edge by the right role, everything else refused."""

from datetime import datetime

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from forms_builder.models import ApplicationEvent
from forms_builder.services.applications import TransitionNotAllowed, application_transition
from forms_builder.workflow import APPLICANT, TRANSITIONS, ApplicationState
from paten.audit.models import AuditEvent
from paten.audit.services import audit_verify
from tests.service_catalog.factories import make_service

from .factories import advance, form_version_for, submit

pytestmark = pytest.mark.django_db
S = ApplicationState
# The installation's zone (WITA for the Bontang settings): office hours are local.
LOCAL = timezone.get_default_timezone()


def move(application, to_state, actor, note=""):
    return application_transition(
        application=application, to_state=to_state, actor=actor, note=note
    )


class TestHappyPath:
    def test_full_flow_with_audit_chain(self, service, utara, staff):
        application = submit(service, utara)
        application = advance(application, **staff, until=S.HANDED_OVER)
        assert application.state == S.HANDED_OVER
        assert (
            application.result_number
            == f"001/SKD/{utara.code}/{application.issued_at.astimezone(LOCAL).year}"
        )
        assert application.verification_token and len(application.verification_token) >= 32
        assert application.handed_over_at and application.finished_at
        states = list(application.events.values_list("to_state", flat=True))
        assert states == [
            S.SUBMITTED,
            S.VERIFYING,
            S.PROCESSING,
            S.PROCESSING,
            S.PROCESSING,
            S.AWAITING_SIGNATURE,
            S.FINISHED,
            S.HANDED_OVER,
        ]
        steps = list(application.events.values_list("step", flat=True))
        assert steps[3:6] == [0, 1, 2]
        audits = AuditEvent.objects.filter(action__startswith="application.")
        assert audits.count() == len(states)
        last = audits.order_by("-timestamp").first()
        assert last.payload["from"] == S.FINISHED and last.payload["to"] == S.HANDED_OVER
        assert last.actor == staff["loket"]
        assert audit_verify().ok

    def test_steps_in_order(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        assert application.current_step == 0
        with pytest.raises(TransitionNotAllowed):
            move(application, S.AWAITING_SIGNATURE, staff["back_office"])
        application = move(application, S.PROCESSING, staff["back_office"])
        assert application.current_step == 1

    def test_last_step_cannot_advance(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.AWAITING_SIGNATURE)
        assert application.state == S.AWAITING_SIGNATURE

    def test_service_without_steps_goes_straight_to_signature(self, bontang, utara, staff):
        service = make_service(code="nostep", steps=0)
        form_version_for(service)
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        application = move(application, S.AWAITING_SIGNATURE, staff["back_office"])
        assert application.state == S.AWAITING_SIGNATURE

    def test_return_and_resubmit_by_applicant(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        application = move(
            application, S.RETURNED, staff["loket"], note="Surat pengantar RT belum ada"
        )
        assert application.return_note == "Surat pengantar RT belum ada"
        application = move(application, S.SUBMITTED, APPLICANT)
        assert application.state == S.SUBMITTED
        assert application.return_note == ""
        event = application.events.order_by("-at").first()
        assert event.actor is None

    def test_reject_needs_reason(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        with pytest.raises(ValidationError):
            move(application, S.REJECTED, staff["loket"])
        application = move(application, S.REJECTED, staff["loket"], note="Bukan warga kecamatan")
        assert application.state == S.REJECTED and application.finished_at

    def test_return_needs_note(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        with pytest.raises(ValidationError):
            move(application, S.RETURNED, staff["loket"], note="   ")

    @pytest.mark.parametrize("state", [S.SUBMITTED, S.VERIFYING])
    def test_applicant_cancels_early(self, service, utara, staff, state):
        application = advance(submit(service, utara), **staff, until=state)
        assert move(application, S.CANCELLED, APPLICANT).state == S.CANCELLED

    def test_applicant_cannot_cancel_once_processing(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        with pytest.raises(TransitionNotAllowed):
            move(application, S.CANCELLED, APPLICANT)


class TestRefused:
    @pytest.mark.parametrize(
        ("until", "target", "who"),
        [
            (S.SUBMITTED, S.VERIFYING, "camat"),
            (S.SUBMITTED, S.VERIFYING, "back_office"),
            (S.VERIFYING, S.PROCESSING, "back_office"),
            (S.PROCESSING, S.PROCESSING, "loket"),
            (S.AWAITING_SIGNATURE, S.FINISHED, "loket"),
            (S.AWAITING_SIGNATURE, S.FINISHED, "back_office"),
            (S.FINISHED, S.HANDED_OVER, "camat"),
        ],
    )
    def test_wrong_role(self, service, utara, staff, until, target, who):
        application = advance(submit(service, utara), **staff, until=until)
        with pytest.raises(TransitionNotAllowed):
            move(application, target, staff[who])

    @pytest.mark.parametrize(
        ("until", "target"),
        [
            (S.SUBMITTED, S.PROCESSING),
            (S.SUBMITTED, S.FINISHED),
            (S.VERIFYING, S.FINISHED),
            (S.PROCESSING, S.FINISHED),
            (S.FINISHED, S.CANCELLED),
            (S.HANDED_OVER, S.SUBMITTED),
        ],
    )
    def test_edge_not_in_table(self, service, utara, staff, until, target):
        application = advance(submit(service, utara), **staff, until=until)
        with pytest.raises(TransitionNotAllowed):
            move(application, target, staff["camat"])

    def test_unknown_state(self, service, utara, staff):
        with pytest.raises(TransitionNotAllowed):
            move(submit(service, utara), "hacked", staff["loket"])

    def test_out_of_scope(self, service, utara, loket_selatan, camat_selatan, staff):
        application = submit(service, utara)
        with pytest.raises(TransitionNotAllowed):
            move(application, S.VERIFYING, loket_selatan)
        application = advance(application, **staff, until=S.AWAITING_SIGNATURE)
        with pytest.raises(TransitionNotAllowed):
            move(application, S.FINISHED, camat_selatan)

    def test_anonymous_and_none_refused(self, service, utara):
        from django.contrib.auth.models import AnonymousUser

        application = submit(service, utara)
        for actor in (None, AnonymousUser()):
            with pytest.raises(TransitionNotAllowed):
                move(application, S.VERIFYING, actor)

    def test_applicant_cannot_do_staff_work(self, service, utara):
        with pytest.raises(TransitionNotAllowed):
            move(submit(service, utara), S.VERIFYING, APPLICANT)

    def test_refusal_writes_nothing(self, service, utara, staff):
        application = submit(service, utara)
        before = (ApplicationEvent.objects.count(), AuditEvent.objects.count())
        with pytest.raises(TransitionNotAllowed):
            move(application, S.FINISHED, staff["camat"])
        assert (ApplicationEvent.objects.count(), AuditEvent.objects.count()) == before
        application.refresh_from_db()
        assert application.state == S.SUBMITTED

    def test_table_roles_are_known(self):
        from paten.accounts.constants import Role

        for edge in TRANSITIONS:
            assert edge.roles <= set(Role.values) | {APPLICANT}


class TestSla:
    def test_due_date_in_working_days_from_verification(
        self, bontang, utara, staff, time_machine=None
    ):
        from unittest import mock

        service = make_service(code="sla", duration_value=3, duration_unit="working_days")
        form_version_for(service)
        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        # Friday 14 Aug 2026, 10.00: Mon 17 Aug is a national holiday, so 3 working days
        # are Tue 18, Wed 19, Thu 20 Aug; due at the close of office on Thursday.
        verified = datetime(2026, 8, 14, 10, 0, tzinfo=LOCAL)
        with mock.patch("django.utils.timezone.now", return_value=verified):
            application = move(application, S.PROCESSING, staff["loket"])
        assert application.verified_at == verified
        assert application.due_at.astimezone(LOCAL) == datetime(2026, 8, 20, 16, 0, tzinfo=LOCAL)

    def test_kecamatan_override_duration(self, bontang, utara, staff):
        from unittest import mock

        from service_catalog.models import KecamatanOverride

        service = make_service(
            code="slao",
            duration_value=3,
            duration_unit="working_days",
            overrides=[KecamatanOverride(kecamatan=utara, duration_value=2, duration_unit="hours")],
        )
        form_version_for(service)
        application = advance(submit(service, utara), **staff, until=S.VERIFYING)
        verified = datetime(2026, 8, 13, 9, 0, tzinfo=LOCAL)
        with mock.patch("django.utils.timezone.now", return_value=verified):
            application = move(application, S.PROCESSING, staff["loket"])
        assert application.due_at.astimezone(LOCAL) == datetime(2026, 8, 13, 11, 0, tzinfo=LOCAL)

    def test_overdue_and_due_soon(self, service, utara, staff):
        from datetime import timedelta

        from django.utils import timezone

        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        application.due_at = timezone.now() - timedelta(hours=1)
        assert application.is_overdue() and not application.is_due_soon()
        application.due_at = timezone.now() + timedelta(hours=2)
        assert application.is_due_soon() and not application.is_overdue()
        application.state = S.FINISHED
        assert not application.is_due_soon() and not application.is_overdue()


class TestNotifications:
    def test_each_transition_mails_the_applicant(
        self, service, utara, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            application = advance(submit(service, utara), **staff, until=S.VERIFYING)
            move(application, S.RETURNED, staff["loket"], note="KTP buram")
        assert len(mail.outbox) == 3
        assert "KTP buram" in mail.outbox[-1].body
        assert "Siti" not in mail.outbox[-1].body

    def test_task_is_idempotent(self, service, utara):
        from forms_builder.tasks import application_notify

        application = submit(service, utara)
        event = application.events.get()
        application_notify.run(str(event.pk))
        application_notify.run(str(event.pk))
        assert len(mail.outbox) == 1

    def test_channel_is_pluggable(self, service, utara, settings):
        from forms_builder.tasks import application_notify

        sent = []

        class FakeSms:
            name = "sms"

            def send(self, *, application, message):
                sent.append(message.body)
                return True

        import sys
        import types

        module = types.ModuleType("fake_sms_channel")
        module.FakeSms = FakeSms
        sys.modules["fake_sms_channel"] = module
        settings.FORMS_BUILDER_NOTIFICATION_CHANNELS = ["fake_sms_channel.FakeSms"]
        application = submit(service, utara)
        application_notify.run(str(application.events.get().pk))
        assert len(sent) == 1 and mail.outbox == []
