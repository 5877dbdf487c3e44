"""A kecamatan's PPID and the evaluator cannot reach an application: not by typing its
URL or the queue's, not from the menu, not through the admin's global search, not by
its attachment's download URL. The kecamatan's front office, signed in the same way,
can (the refusals are about the role, not a broken page)."""

import pytest
from playwright.sync_api import Page, expect

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from tests.bontang import UTARA, bontang_regions
from tests.forms_builder.factories import form_version_for, pdf_upload, submit
from tests.service_catalog.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUEUE = "/admin/permohonan/"


@pytest.fixture
def application(db, staff_password):
    from paten.regions.models import Region

    bontang_regions()
    roles_sync_permissions()
    staff_create(
        username="ppid.bontang-utara", password=staff_password, roles=[Role.PPID], kecamatan=[UTARA]
    )
    staff_create(username="evaluator", password=staff_password, roles=[Role.EVALUATOR])
    staff_create(
        username="loket.bontang-utara",
        password=staff_password,
        roles=[Role.PETUGAS_LOKET],
        kecamatan=[UTARA],
    )
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=3)
    form_version_for(service)
    return submit(service, Region.objects.get(code=UTARA), files={"surat_pengantar": pdf_upload()})


def reaches(page: Page, base: str, application) -> dict[str, bool]:
    """What the signed-in user reaches of ``application``, surface by surface."""
    code = application.display_code
    attachment = application.attachments.get()
    found = {}

    page.goto(base + "/admin/")
    found["menu"] = page.locator(f"a[href='{QUEUE}']").count() > 0 or QUEUE in page.content()

    page.goto(base + QUEUE)
    found["queue"] = page.url == base + QUEUE and code in page.content()

    response = page.goto(f"{base}{QUEUE}{application.pk}/")
    found["detail"] = response.status == 200 and code in page.content()

    # The admin's global search: Wagtail's page search must not list it, and the search
    # box's "Applications" area (the queue searched by code) must not find it.
    page.goto(f"{base}/admin/search/?q={application.tracking_code}")
    in_page_search = code in page.content()
    page.goto(f"{base}{QUEUE}?q={application.tracking_code}")
    found["search"] = in_page_search or (
        page.url.startswith(base + QUEUE) and code in page.content()
    )

    response = page.request.get(f"{base}{QUEUE}lampiran/{attachment.pk}/")
    found["attachment"] = response.status == 200
    return found


@pytest.mark.parametrize("username", ["ppid.bontang-utara", "evaluator"])
def test_ppid_and_evaluator_cannot_reach_an_application(
    page: Page, live_server, sign_in, application, username
):
    sign_in(page, live_server.url, username)
    found = reaches(page, live_server.url, application)
    assert found == dict.fromkeys(found, False)
    # Typing the queue's URL lands on the admin home.
    page.goto(live_server.url + QUEUE)
    expect(page).to_have_url(live_server.url + "/admin/")


def test_the_front_office_of_the_kecamatan_reaches_it(
    page: Page, live_server, sign_in, application
):
    sign_in(page, live_server.url, "loket.bontang-utara")
    found = reaches(page, live_server.url, application)
    assert found == dict.fromkeys(found, True)
