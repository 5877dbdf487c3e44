"""Property tests: any generated form with any input validates without a server error,
refuses with non-empty Indonesian messages, and writes nothing to the database."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.datastructures import MultiValueDict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms_builder.constants import FieldType
from forms_builder.forms import ApplicationFormBuilder

from .factories import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, spec

pytestmark = pytest.mark.django_db

KEYS = ["a", "b", "c", "nik", "hp", "berkas", "desa"]
CHOICE_TYPES = {FieldType.DROPDOWN, FieldType.RADIO, FieldType.CHECKBOXES}
ENGLISH_MARKERS = (" must ", "enter a", "this field", "the file", "is required", "select a valid")

texts = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9 .\-+]{0,24}", fullmatch=True),
    st.sampled_from(
        [
            "6474011508900001",
            "6474015508900002",
            "0812-3456-7890",
            "64.74.01.1001",
            "x",
            "ya",
            "2025-02-29",
            "1e999999",
            "NaN",
            "-1",
            "\x00",
            "A",
            "B",
        ]
    ),
)
values = st.one_of(texts, st.lists(texts, max_size=3))
uploads = st.sampled_from([PDF_BYTES, EXE_BYTES, PNG_BYTES, JPEG_BYTES, b"", b"%PDF", b"\xff" * 10])


@st.composite
def field_specs(draw):
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True))
    specs = []
    for key in keys:
        field_type = draw(st.sampled_from(list(FieldType)))
        extra = {}
        if field_type in CHOICE_TYPES:
            extra["choices"] = draw(st.sampled_from(["A\nB", "A,B,C", "Ya,Tidak"]))
        if field_type == FieldType.FILE:
            extra["required_document_key"] = draw(st.sampled_from(["doc0", "doc1", "hilang"]))
        if field_type == FieldType.REGION:
            extra["region_scope"] = draw(st.sampled_from(["kecamatan", "kabupaten"]))
        others = [k for k in keys if k != key]
        if others and draw(st.booleans()):
            extra["condition"] = (draw(st.sampled_from(others)), draw(texts))
        specs.append(
            spec(
                key, field_type, required=draw(st.booleans()), step=draw(st.integers(1, 3)), **extra
            )
        )
    return specs


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=field_specs(),
    data=st.dictionaries(st.sampled_from(KEYS), values),
    files=st.dictionaries(st.sampled_from(KEYS), uploads),
)
def test_any_input_validates_cleanly(service, utara, specs, data, files):
    # Shaped like request.POST / request.FILES: every value is a list of strings or files.
    post = QueryDict(mutable=True)
    for key, value in data.items():
        post.setlist(key, value if isinstance(value, list) else [value])
    uploaded = MultiValueDict(
        {k: [SimpleUploadedFile(f"{k}.pdf", content)] for k, content in files.items()}
    )
    with translation.override("id"), CaptureQueriesContext(connection) as queries:
        builder = ApplicationFormBuilder(specs, service=service, kecamatan=utara)
        form = builder.get_form_class()(data=post, files=uploaded)
        valid = form.is_valid()
        if valid:
            assert form.json_data() is not None
            form.files_by_document()
        else:
            for messages in form.errors.values():
                for message in messages:
                    assert isinstance(message, str) and message.strip()
                    assert not any(m in message.lower() for m in ENGLISH_MARKERS), message
        str(form)  # renders
    # PostgreSQL reads through server-side cursors (DECLARE … FOR SELECT): only writes count.
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b", q["sql"], re.IGNORECASE)
    ]
    assert writes == []
