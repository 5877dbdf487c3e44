from io import BytesIO

from django.http import HttpResponse

from paten.files import private_file_response, private_headers


def test_private_file_response_is_an_uncached_unsniffed_attachment():
    response = private_file_response(
        BytesIO(b"%PDF-1.7"), filename="bukti.pdf", content_type="application/pdf"
    )

    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="bukti.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7"


def test_private_file_response_inline():
    response = private_file_response(BytesIO(b"x"), filename="hasil.pdf", as_attachment=False)

    assert response["Content-Disposition"] == 'inline; filename="hasil.pdf"'


def test_private_headers_on_a_plain_response():
    response = private_headers(HttpResponse("NIK 6474010101010001"))

    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
