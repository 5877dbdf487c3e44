"""Procedure steps that a workflow transition records by itself (registration, the
loket's check, the camat's signature, handover) are recorded by that transition, never
marked by the back office, and the tracker shows one timeline in the order things
happened."""

import importlib

from django.urls import reverse

import pytest

from forms_builder.services.applications import (
    TransitionNotAllowed,
    application_transition,
    application_transitions_for,
)
from forms_builder.workflow import ApplicationState
from service_catalog.constants import StepTransition
from service_catalog.models import ProcedureStep
from tests.service_catalog.factories import make_service

from .factories import advance, form_version_for, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
S = ApplicationState
T = StepTransition

STEPS = [
    ("Pemohon menyerahkan berkas di loket", "pemohon", T.INTAKE),
    ("Petugas loket memeriksa kelengkapan dan mencatat", "loket", T.VERIFICATION),
    ("Kasi memverifikasi dan memaraf konsep", "kasi", ""),
    ("Camat atau Sekcam menandatangani", "camat", T.SIGNATURE),
    ("Dokumen diserahkan kepada pemohon", "loket", T.HANDOVER),
]


@pytest.fixture
def procedure(bontang):
    service = make_service(title="Surat keterangan domisili", code="skd", steps=0)
    for order, (title, role, recorded_by) in enumerate(STEPS):
        ProcedureStep.objects.create(
            service=service,
            title=title,
            role=role,
            duration_value=10,
            duration_unit="minutes",
            recorded_by=recorded_by,
            sort_order=order,
        )
    form_version_for(service)
    return service


def move(application, to_state, actor):
    return application_transition(application=application, to_state=to_state, actor=actor)


class TestTransitionsRecordTheirSteps:
    def test_each_transition_records_its_step_and_the_back_office_marks_only_its_own(
        self, procedure, utara, staff
    ):
        application = advance(submit(procedure, utara), **staff, until=S.PROCESSING)
        # The back office works on the Kasi's step, the only one nobody else records.
        assert application.current_step == 2
        offered = application_transitions_for(application=application, actor=staff["back_office"])
        assert [edge.target for edge in offered] == [S.AWAITING_SIGNATURE]
        with pytest.raises(TransitionNotAllowed):
            move(application, S.PROCESSING, staff["back_office"])
        application = move(application, S.AWAITING_SIGNATURE, staff["back_office"])
        application = move(application, S.FINISHED, staff["camat"])
        application = move(application, S.HANDED_OVER, staff["loket"])
        events = [(e.from_state, e.to_state, e.step) for e in application.events.all()]
        assert events == [
            ("", S.SUBMITTED, 0),
            (S.SUBMITTED, S.VERIFYING, None),
            (S.VERIFYING, S.PROCESSING, 1),
            (S.PROCESSING, S.AWAITING_SIGNATURE, 2),
            (S.AWAITING_SIGNATURE, S.FINISHED, 3),
            (S.FINISHED, S.HANDED_OVER, 4),
        ]

    def test_an_application_at_a_step_a_transition_now_records_moves_past_it(
        self, procedure, utara, staff
    ):
        application = advance(submit(procedure, utara), **staff, until=S.PROCESSING)
        type(application).objects.filter(pk=application.pk).update(current_step=1)
        application.refresh_from_db()
        application = move(application, S.AWAITING_SIGNATURE, staff["back_office"])
        assert application.events.last().step == 2

    def test_steps_without_a_transition_behave_as_before(self, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.HANDED_OVER)
        assert [e.step for e in application.events.all() if e.step is not None] == [0, 1, 2]


class TestTrackerTimeline:
    def test_one_timeline_in_the_order_things_happened(self, client, procedure, utara, staff):
        application = advance(submit(procedure, utara), **staff, until=S.FINISHED)
        url = reverse("forms_builder:track_code", args=[application.display_code])
        timeline = client.get(url).context["timeline"]
        assert [(row["state"], str(row["label"]), str(row["step"])) for row in timeline] == [
            (S.SUBMITTED, "Diajukan", "Pemohon menyerahkan berkas di loket"),
            (S.VERIFYING, "Sedang diverifikasi", ""),
            (S.PROCESSING, "Sedang diproses", "Petugas loket memeriksa kelengkapan dan mencatat"),
            (
                S.AWAITING_SIGNATURE,
                "Menunggu tanda tangan camat",
                "langkah selesai: Kasi memverifikasi dan memaraf konsep",
            ),
            (S.FINISHED, "Selesai, siap diambil", "Camat atau Sekcam menandatangani"),
        ]
        content = client.get(url).content.decode()
        # The handover step is not claimed before it happened.
        assert "Dokumen diserahkan kepada pemohon" not in content


def test_the_data_migration_marks_the_demo_steps():
    migration = importlib.import_module(
        "service_catalog.migrations.0006_procedure_step_recorded_by"
    )
    steps = [{"title": title, "role": role} for title, role, _kind in STEPS]
    steps.append({"title": "Camat menandatangani ulang", "role": "camat"})
    migration._assign(steps)
    assert [s["recorded_by"] for s in steps] == [str(kind) for *_rest, kind in STEPS] + [""]
