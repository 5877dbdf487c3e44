"""Any input to the public request and objection forms: never a server error, a clear
Indonesian message when refused, and nothing saved unless the request is valid."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paten.ppid.constants import RequestState
from paten.ppid.models import ExceptionGround, InformationRequest, Objection

from .factories import NIK, PDF, PNG

# Words that only appear when a message was left untranslated.
ENGLISH_MARKERS = (" must ", "enter a", "this field", "the file", "is required", "select a valid")

texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "=1+1", "<script>x</script>", "\x00", "a" * 5000, NIK]),
)
niks = st.one_of(st.sampled_from([NIK, "", "123", "6474019999990000", "647401410790000X"]), texts)
files = st.one_of(
    st.none(),
    st.sampled_from([PNG, PDF, b"", b"MZ\x90\x00" + b"0" * 40, b"PK\x03\x04rubbish"]),
    st.binary(max_size=200),
)
choices = st.one_of(st.sampled_from(["perorangan", "salinan", "unduh", "melihat", "x", ""]), texts)


def _messages_are_indonesian(body: str) -> None:
    lowered = body.lower()
    assert "perbaiki isian" in lowered or 'role="alert"' in lowered
    for marker in ENGLISH_MARKERS:
        assert marker not in lowered, marker


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=texts,
    nik=niks,
    address=texts,
    phone=st.one_of(texts, st.sampled_from(["0812 3456 7890", "021-555", "+62"])),
    email=st.one_of(texts, st.sampled_from(["siti@example.org", "bukan-surel"])),
    information=texts,
    purpose=texts,
    kind=choices,
    obtain=choices,
    delivery=choices,
    kecamatan=st.sampled_from(["", "64.74.01", "64.74.99", "x"]),
    ktp=files,
)
@pytest.mark.django_db
def test_any_request_form_input_is_answered_cleanly(
    client,
    bontang,
    name,
    nik,
    address,
    phone,
    email,
    information,
    purpose,
    kind,
    obtain,
    delivery,
    kecamatan,
    ktp,
):
    before = InformationRequest.objects.count()
    data = {
        "requester_name": name,
        "requester_nik": nik,
        "requester_address": address,
        "requester_phone": phone,
        "requester_email": email,
        "information_requested": information,
        "purpose": purpose,
        "requester_kind": kind,
        "obtain_method": obtain,
        "delivery_method": delivery,
        "kecamatan": kecamatan,
    }
    if ktp is not None:
        data["identity_file"] = SimpleUploadedFile("ktp.pdf", ktp)
    response = client.post(reverse("ppid:request"), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        _messages_are_indonesian(response.content.decode())
        assert InformationRequest.objects.count() == before
    else:
        assert InformationRequest.objects.count() == before + 1


@pytest.fixture
def refused(make_decided):
    return make_decided(RequestState.REFUSED, exception_ground=ExceptionGround.objects.first())


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ground=st.one_of(st.sampled_from(list("abcdefgz") + [""]), texts),
    reasons=texts,
    proxy_name=texts,
    proxy_address=texts,
    code=st.one_of(st.just("ok"), texts),
)
@pytest.mark.django_db
def test_any_objection_input_is_answered_cleanly(
    client, settings, refused, ground, reasons, proxy_name, proxy_address, code
):
    settings.PPID_LOOKUP_RATE = (100_000, 600)
    Objection.objects.all().delete()
    kode = refused.display_code if code == "ok" else code
    response = client.post(
        reverse("ppid:track_objection"),
        {
            "kode": kode,
            "ground": ground,
            "reasons": reasons,
            "proxy_name": proxy_name,
            "proxy_address": proxy_address,
        },
    )
    assert response.status_code in (302, 400, 404)
    if response.status_code == 400:
        _messages_are_indonesian(response.content.decode())
        assert not Objection.objects.exists()
    elif response.status_code == 302:
        assert Objection.objects.filter(request=refused).count() == 1
    else:
        assert not Objection.objects.exists()
