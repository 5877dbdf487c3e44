"""Validation rules of the catalog models and of the service editor form."""

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from service_catalog.durations import office_minutes, steps_fit_total
from service_catalog.models import (
    KecamatanOverride,
    LegalInstrument,
    Maklumat,
    ProcedureStep,
    RequiredDocument,
    ServicePage,
)
from service_catalog.services import catalog_index_ensure, service_publish
from tests.bontang import bontang_regions

from .factories import (
    DelegatedAuthorityFactory,
    LegalInstrumentFactory,
    make_service,
    service_post_data,
)

pytestmark = pytest.mark.django_db


def errors_of(obj, **kwargs) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean(**kwargs)
    return info.value.message_dict


@pytest.mark.parametrize(
    ("steps", "total", "fits"),
    [
        ([(5, "minutes"), (10, "minutes")], (15, "minutes"), True),
        ([(5, "minutes"), (11, "minutes")], (15, "minutes"), False),
        ([(1, "working_days"), (2, "hours")], (2, "working_days"), True),
        ([(3, "working_days")], (2, "working_days"), False),
        ([(7, "calendar_days")], (5, "working_days"), True),
    ],
)
def test_steps_fit_total(steps, total, fits):
    assert steps_fit_total(steps, total) is fits


def test_office_minutes_rejects_unknown_unit():
    with pytest.raises(ValueError):
        office_minutes(1, "weeks")


def test_instrument_dates():
    instrument = LegalInstrument(
        kind="perwal",
        number="1",
        year=2020,
        title="X",
        signed_on=date(2019, 12, 31),
        effective_from=date(2021, 1, 1),
        effective_until=date(2020, 1, 1),
    )
    errors = errors_of(instrument)
    assert "effective_until" in errors


def test_instrument_signed_outside_its_year():
    instrument = LegalInstrument(
        kind="perwal", number="1", year=2020, title="X", signed_on=date(2019, 12, 31)
    )
    assert "signed_on" in errors_of(instrument)


def test_amended_instrument_names_its_amendment():
    instrument = LegalInstrument(kind="perwal", number="1", year=2020, title="X", status="diubah")
    assert "replaced_by" in errors_of(instrument)


def test_delegation_period():
    delegation = DelegatedAuthorityFactory.build(
        instrument=LegalInstrumentFactory(),
        effective_from=date(2020, 1, 1),
        effective_until=date(2019, 1, 1),
    )
    assert "effective_until" in errors_of(delegation)


def test_maklumat_not_in_the_future():
    (kecamatan, *_rest) = bontang_regions()
    maklumat = Maklumat(
        kecamatan=kecamatan, text="<p>x</p>", camat_name="C", signed_on=date(2099, 1, 1)
    )
    assert "signed_on" in errors_of(maklumat)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"fee_kind": "fixed"}, "fee_amount"),
        ({"fee_kind": "free", "fee_amount": 5000}, "fee_amount"),
        ({"fee_kind": "free", "fee_description": "Rp5.000"}, "fee_description"),
        ({"fee_kind": "formula", "fee_description": ""}, "fee_description"),
        ({"duration_value": 400, "duration_unit": "working_days"}, "duration_value"),
        ({"duration_value": 0}, "duration_value"),
        (
            {"effective_from": date(2024, 1, 1), "effective_until": date(2023, 1, 1)},
            "effective_until",
        ),
    ],
)
def test_service_rules(fields, error_field):
    service = make_service(code="skd")
    for name, value in fields.items():
        setattr(service, name, value)
    assert error_field in errors_of(service)


def test_paid_service_names_its_regulation():
    service = make_service(code="skd")
    service.fee_kind, service.fee_amount, service.fee_legal_basis = "fixed", 10000, None
    assert "fee_legal_basis" in errors_of(service)


def test_field_must_match_delegation():
    service = make_service(code="skd", delegated_authority=DelegatedAuthorityFactory())
    service.field = "perizinan"
    assert "field" in errors_of(service)


def test_conditional_document_rules():
    assert "condition" in errors_of(
        RequiredDocument(key="kuasa", name="Surat kuasa", is_mandatory=False),
        exclude=["service"],
    )
    assert "condition" in errors_of(
        RequiredDocument(key="ktp", name="KTP", is_mandatory=True, condition="bagi WNA"),
        exclude=["service"],
    )
    assert "accepted_file_types" in errors_of(
        RequiredDocument(key="foto", name="Foto", form="digital"), exclude=["service"]
    )
    assert "accepted_file_types" in errors_of(
        RequiredDocument(key="foto", name="Foto", accepted_file_types=["exe"]),
        exclude=["service"],
    )


def test_override_needs_value_and_unit():
    (kecamatan, *_rest) = bontang_regions()
    override = KecamatanOverride(kecamatan=kecamatan, duration_value=2)
    assert "duration_unit" in errors_of(override, exclude=["service"])


def test_service_publish_refuses_steps_longer_than_total():
    service = make_service(code="skd", duration_value=20, duration_unit="minutes")
    service.procedure_steps = [
        ProcedureStep(title="Loket", role="loket", duration_value=15, duration_unit="minutes"),
        ProcedureStep(title="Camat", role="camat", duration_value=15, duration_unit="minutes"),
    ]
    with pytest.raises(ValidationError) as info:
        service_publish(service=service)
    assert "duration_value" in info.value.message_dict


@pytest.fixture
def admin_client(client):
    bontang_regions()
    client.force_login(staff_create(username="admin", password="x", roles=[Role.ADMIN_PEMDA]))
    return client


def test_admin_creates_a_service(admin_client):
    index = catalog_index_ensure()
    url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
    response = admin_client.post(url, service_post_data())
    assert response.status_code == 302, response.context["form"].errors
    service = ServicePage.objects.get(code="baru")
    assert service.procedure_steps.count() == 2


def test_admin_refuses_steps_longer_than_total(admin_client):
    index = catalog_index_ensure()
    url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
    data = service_post_data(total=(30, "minutes"))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["duration_value"]
    assert "lebih pendek" in errors[0] or "shorter" in errors[0]
    assert not ServicePage.objects.filter(code="baru").exists()
