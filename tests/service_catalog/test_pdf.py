import shutil
import subprocess

import pytest

from tests.services import need

from .factories import MaklumatFactory, make_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext"):
        path = tmp_path / "standard.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    need("pdftotext (poppler-utils) is not installed")


class TestStandardPdf:
    def test_renders_the_standard(self, client, kecamatan, tmp_path):
        make_service(title="Surat Keterangan Domisili", code="domisili")
        response = client.get("/layanan/domisili/standar.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        text = pdf_text(response.content, tmp_path)
        assert "Surat Keterangan Domisili" in text
        flat = " ".join(text.split())
        for component in ("Persyaratan", "Jangka waktu", "Evaluasi kinerja", "Dasar hukum"):
            assert component in flat, component

    def test_per_kecamatan_with_maklumat(self, client, kecamatan, tmp_path):
        make_service(title="Surat Keterangan Domisili", code="domisili")
        MaklumatFactory(kecamatan=kecamatan["64.74.01"], camat_name="Andi Camat")
        response = client.get("/layanan/domisili/standar.pdf?kecamatan=64.74.01")
        assert response.status_code == 200
        text = pdf_text(response.content, tmp_path)
        assert "KECAMATAN BONTANG UTARA" in text
        assert "MAKLUMAT PELAYANAN" in text
        assert "Andi Camat" in text

    def test_unknown_service_or_kecamatan_is_404(self, client, kecamatan):
        make_service(code="domisili")
        assert client.get("/layanan/nope/standar.pdf").status_code == 404
        assert client.get("/layanan/domisili/standar.pdf?kecamatan=11.01.01").status_code == 404

    def test_pdf_follows_a_new_revision(self, client, kecamatan, tmp_path):
        service = make_service(title="Surat Keterangan Usaha", code="sku")
        client.get("/layanan/sku/standar.pdf")
        service.title = "Surat Keterangan Usaha Mikro"
        service.save_revision().publish()
        text = pdf_text(client.get("/layanan/sku/standar.pdf").content, tmp_path)
        assert "Surat Keterangan Usaha Mikro" in text
