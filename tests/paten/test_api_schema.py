"""Every endpoint under /api/ (catalog, IKM, DIP) answers as /api/schema/ says
(schemathesis, in process).

schemathesis generates valid and invalid requests from the schema for each operation,
calls the WSGI application directly (no server) and checks that every response matches
its documented schema, that every status it gets is documented, that invalid
parameters are refused with a 4xx and never a 500, and that valid ones are accepted.
"""

import json

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import resolve

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from paten.wsgi import application
from tests.bontang import bontang_regions
from tests.service_catalog.factories import (
    LegalInstrumentFactory,
    ServiceCategoryFactory,
    make_service,
)

SCHEMA_URL = "/api/schema/"


def _schema_document() -> dict:
    # The schema view itself, called without the request middleware: collection has no
    # database, and ATOMIC_REQUESTS would open a transaction.
    response = resolve(SCHEMA_URL).func(RequestFactory().get(SCHEMA_URL))
    response.render()
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(_schema_document())
schema.app = application


@pytest.fixture
def api_data(db):
    """A published service in a category, and a legal instrument: every list has a row."""
    bontang_regions()
    make_service(
        title="Surat Keterangan Domisili",
        code="domisili",
        category=ServiceCategoryFactory(slug="adminduk"),
    )
    LegalInstrumentFactory()
    cache.clear()
    # The test client keeps the test's transaction open across requests by not closing
    # connections at request start and end; calling the WSGI app directly must do so too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()


def test_the_schema_served_is_the_one_tested(client, db):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert json.loads(response.content) == _schema_document()


@schema.parametrize()
@settings(
    # The same requests on every run and every machine: a fixed seed derived from the
    # test (derandomize), no replay of examples stored by an earlier run, and a bounded
    # number per operation. A failure therefore reproduces with the same command.
    derandomize=True,
    database=None,
    max_examples=20,
    deadline=None,
    # One database state per operation: the generated requests only read.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_schema(case, api_data):
    case.call_and_validate()
