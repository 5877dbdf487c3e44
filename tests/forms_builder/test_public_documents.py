"""What a citizen reads on the receipt, the tracker, the verification page and the issued
letter: long dates, the expected completion, the originals to bring, and a letterhead
with the camat's signature block."""

import shutil
import subprocess
from datetime import date

from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

import pytest

from forms_builder.pdf import result_pdf, result_placeholders
from forms_builder.workflow import ApplicationState
from paten.site.models import KecamatanOffice, SiteSettings
from tests.services import need

from .factories import advance, submit

S = ApplicationState
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(loket, back_office, camat):
    return {"loket": loket, "back_office": back_office, "camat": camat}


@pytest.fixture
def office(utara):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.pemda_name = "Pemerintah Kota Bontang"
    settings.letter_place = "Bontang"
    settings.save()
    return KecamatanOffice.objects.create(
        kecamatan=utara,
        address="Jl. Letjen S. Parman No. 1, Bontang",
        phone="(0548) 000 001",
        camat_name="Drs. Andi Rahman, M.Si.",
        camat_nip="197003121995031002",
        camat_rank="Pembina Tingkat I (IV/b)",
    )


def pdf_text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        need("pdftotext (poppler-utils) is not installed: the PDF's text cannot be checked")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


class TestIssuedLetter:
    def test_letterhead_title_once_number_and_signature_block(
        self, service, utara, staff, office, tmp_path
    ):
        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        with translation.override("id"):
            text = pdf_text(result_pdf(application=application, verify_url="http://x/v/"), tmp_path)
        assert text.startswith("PEMERINTAH KOTA BONTANG KECAMATAN BONTANG UTARA")
        assert "Jl. Letjen S. Parman No. 1, Bontang" in text
        assert text.count("SURAT KETERANGAN DOMISILI") == 1
        assert f"Nomor: {application.result_number}" in text
        assert "Angka" not in text
        assert "Camat Bontang Utara," in text
        assert "Drs. Andi Rahman, M.Si. Pembina Tingkat I (IV/b) NIP 197003121995031002" in text
        assert "Bontang, " in text
        issued = application.issued_at
        assert f"{issued:%Y-%m-%d}" not in text

    def test_dates_in_the_form_data_read_as_long_dates(self, service, utara, staff, office):
        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        application.data = {**application.data, "tanggal_lahir": "2015-06-01"}
        schema = [*application.form_version.fields, {"key": "tanggal_lahir", "type": "date"}]
        application.form_version.schema = schema
        with translation.override("id"):
            values = result_placeholders(application)
        assert values["data.tanggal_lahir"] == "1 Juni 2015"


class TestReceiptAndTracker:
    def test_receipt_names_the_originals_and_how_long_it_takes(self, client, service, utara):
        application = submit(service, utara)
        html = client.get(
            reverse("forms_builder:receipt", args=[application.display_code])
        ).content.decode()
        assert "Perkiraan selesai" in html
        assert "Dokumen asli yang dibawa ke kantor kecamatan" in html
        # make_service: the first required document is an original.
        assert "Surat pengantar desa/kelurahan" in html

    def test_tracker_shows_the_expected_completion_date(self, client, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        assert application.due_at is not None
        html = client.get(
            reverse("forms_builder:track_code", args=[application.display_code])
        ).content.decode()
        section = html[html.index("Perkiraan selesai") :]
        with translation.override("id"):
            from paten.dates import long_date

            assert long_date(application.due_at) in section[:400]


class TestVerificationPage:
    def test_labels_say_what_they_are(self, client, service, utara, staff):
        application = advance(submit(service, utara), **staff, until=S.FINISHED)
        html = client.get(
            reverse("forms_builder:verify", args=[application.verification_token])
        ).content.decode()
        assert "<dt>Nomor dokumen</dt>" in html
        assert "Angka" not in html
        assert "Kecamatan Bontang Utara" in html
        assert f"{date.today():%Y-%m-%d}" not in html
