"""A citizen on a phone (390×844): finds the tracker from the home page, searches with a
typo, keeps a chosen file after a refused form; every public page passes axe-core with
no critical or serious violation; the service page stays under 200 KB over the wire."""

import re

from django.utils import timezone
from wagtail.models import Site

import pytest
from playwright.sync_api import Page, expect

from forms_builder.models import Application
from forms_builder.services.applications import Applicant
from paten.site.models import KecamatanOffice, SiteSettings
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_period_create, survey_response_submit
from service_catalog.models import Maklumat
from tests.forms_builder.factories import PDF_BYTES, advance, form_version_for, submit
from tests.reporting.factories import all_answers
from tests.service_catalog.factories import make_service

from .axe import axe_violations, describe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UTARA = "64.74.01"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def citizen_world(settings, utara, staff):
    settings.FORMS_BUILDER_LOOKUP_RATE = (500, 600)
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "pemda_name": "Pemerintah Kota Bontang",
            "service_hours": "Senin–Kamis 07.30–16.00\nJumat 07.30–16.30",
            "letter_place": "Bontang",
        },
    )
    KecamatanOffice.objects.create(
        kecamatan=utara, address="Jl. Letjen S. Parman No. 1", camat_name="Drs. Andi Rahman"
    )
    Maklumat.objects.create(
        kecamatan=utara,
        text="<p>Kami sanggup melayani sesuai standar pelayanan.</p>",
        camat_name="Drs. Andi Rahman",
        signed_on=timezone.localdate(),
    )
    domicile = make_service(title="Surat keterangan domisili penduduk", code="skd", steps=2)
    form_version_for(domicile)
    make_service(title="Pengantar SKCK", code="skck")
    open_application = submit(
        domicile, utara, applicant=Applicant(name="Siti Rahmawati", email="siti@example.id")
    )
    finished = advance(
        submit(domicile, utara, applicant=Applicant(name="Budi Santoso", email="budi@example.id")),
        **staff,
        until="selesai",
    )
    today = timezone.localdate()
    survey_period_create(kind="triwulan", year=today.year, number=(today.month - 1) // 3 + 1)
    # One answer, so that /ikm/ draws its charts and tables (the service is listed under
    # "sampel belum memadai").
    answered = advance(submit(domicile, utara), **staff, until="selesai")
    survey_response_submit(
        answers=all_answers(4),
        channel=SurveyChannel.PAPER,
        kecamatan=UTARA,
        service=domicile,
        application=answered,
    )
    return {"open": open_application, "finished": finished, "service": domicile}


def test_a_citizen_on_a_phone_finds_the_tracker_from_the_home_page(
    page: Page, live_server, citizen_world
):
    application = citizen_world["open"]
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    # The tracker is on the home page itself, and in the menu of every page.
    expect(page.get_by_role("heading", name="Lacak permohonan")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Menu utama").get_by_role(
            "link", name="Lacak permohonan"
        )
    ).to_be_visible()
    page.get_by_label("Kode lacak").fill(application.display_code.lower())
    page.get_by_role("button", name="Lihat status").click()
    # The code travels in the POST body, then in the path the logs redact.
    expect(page).to_have_url(f"{live_server.url}/lacak/{application.display_code}/")
    expect(page.locator("#status-heading")).to_contain_text("Diajukan")
    expect(page.locator("main")).to_contain_text("Perkiraan selesai")
    expect(page.locator("main")).to_contain_text("Dokumen asli yang dibawa ke kantor kecamatan")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_typo_in_the_home_search_still_finds_the_service(page: Page, live_server, citizen_world):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Cari layanan").fill("domisli")
    page.get_by_role("button", name="Cari", exact=True).click()
    first = page.locator(".service-card__title").first
    expect(first).to_have_text("Surat keterangan domisili penduduk")


def test_a_chosen_file_is_kept_after_an_error_on_a_phone(page: Page, live_server, citizen_world):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/ajukan/skd/?kecamatan={UTARA}")
    page.locator("#id_pemohon-name").fill("Rina Marlina")
    page.locator("#id_pemohon-phone").fill("0812 3456 7890")
    page.locator("#id_keperluan").select_option("Sekolah")
    page.locator("#id_surat_pengantar").set_input_files(
        {"name": "pengantar-rt.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    # "Nama lengkap" of the service form is left empty: the form is refused.
    page.get_by_role("button", name="Ajukan permohonan").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(page.locator(".kept-file")).to_contain_text("pengantar-rt.pdf sudah diunggah")
    assert axe_violations(page) == []
    summary.get_by_role("link").click()
    expect(page.locator("#id_nama_lengkap")).to_be_focused()
    page.locator("#id_nama_lengkap").fill("Rina Marlina")
    # The file is not chosen again.
    page.get_by_role("button", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/lacak/[^/]+/bukti/(#.*)?$"))
    application = Application.objects.get(applicant_name="Rina Marlina")
    attachment = application.attachments.get()
    assert attachment.original_name == "pengantar-rt.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES


def _public_pages(world) -> list[str]:
    finished = world["finished"]
    return [
        "/",
        "/layanan/",
        "/layanan/?q=domisli",
        "/layanan/surat-keterangan-domisili-penduduk/?kecamatan=64.74.01",
        "/layanan/pengantar-skck/",
        f"/maklumat/{UTARA}/",
        "/ajukan/skd/",
        "/lacak/",
        f"/lacak/{world['open'].display_code}/",
        f"/lacak/{finished.display_code}/",
        f"/verifikasi/{finished.verification_token}/",
        f"/survei/{finished.tracking_code}/",
        "/ikm/",
        f"/ikm/?kecamatan={UTARA}",
        "/evaluasi/",
        "/informasi-publik/",
        "/informasi-publik/statistik/",
        "/audit/",
        "/permohonan-informasi/",
        "/permohonan-informasi/lacak/",
    ]


def test_every_public_page_passes_axe_on_a_phone(page: Page, live_server, citizen_world):
    page.set_viewport_size(PHONE)
    failures = []
    for path in _public_pages(citizen_world):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status < 400, path
        found = axe_violations(page)
        if found:
            failures.append(f"{path}\n{describe(found)}")
    assert not failures, "\n\n".join(failures)


def test_service_page_weighs_less_than_200_kb_over_the_wire(page: Page, live_server, citizen_world):
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/layanan/surat-keterangan-domisili-penduduk/")
    page.wait_for_load_state("networkidle")
    assert sizes, "no request was recorded"
    assert sum(sizes) < 200 * 1024, sizes


def test_ikm_on_a_phone_has_legible_charts_and_reachable_tables(
    page: Page, live_server, citizen_world
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/ikm/")
    charts = page.locator("svg.ikm-chart__svg")
    expect(charts.first).to_be_visible()
    # Effective text size: the SVG's font size times its drawn scale, never under 11 px.
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.ikm-chart__svg')].flatMap(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map(
                t => parseFloat(getComputedStyle(t).fontSize) * scale);
        }))"""
    )
    assert smallest >= 11, smallest
    # Every wide table scrolls inside a frame the keyboard reaches, and its last column
    # (Mutu, where there is one) comes into view when scrolled.
    for frame in page.locator(".ikm-table-wrap").all():
        assert frame.get_attribute("tabindex") == "0"
        frame.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        last = frame.locator("thead th").last
        box, view = last.bounding_box(), frame.bounding_box()
        assert box["x"] + box["width"] <= view["x"] + view["width"] + 1
