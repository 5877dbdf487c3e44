"""Builders for forms_builder tests: a published form version and applications."""

from django.core.files.uploadedfile import SimpleUploadedFile

from forms_builder.models import FormVersion
from forms_builder.services.applications import (
    Applicant,
    application_submit,
    application_transition,
)
from forms_builder.workflow import ApplicationState, Channel, is_last_back_office_step

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

DEFAULT_SCHEMA = [
    {
        "key": "nama_lengkap",
        "label": "Nama lengkap",
        "type": "singleline",
        "required": True,
    },
    {
        "key": "keperluan",
        "label": "Keperluan",
        "type": "dropdown",
        "required": True,
        "choices": "Melamar kerja\nSekolah\nLainnya",
    },
    {
        "key": "surat_pengantar",
        "label": "Surat pengantar",
        "type": "file",
        "required": False,
        "required_document_key": "doc0",
    },
]


def form_version_for(service, schema=None, number: int | None = None) -> FormVersion:
    if number is None:
        number = FormVersion.objects.filter(service=service).count() + 1
    return FormVersion.objects.create(
        service=service, number=number, schema=schema or DEFAULT_SCHEMA
    )


def pdf_upload(name: str = "pengantar.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def good_data(**extra) -> dict:
    return {"nama_lengkap": "Siti Rahmawati", "keperluan": "Sekolah", **extra}


def submit(
    service,
    kecamatan,
    *,
    data=None,
    files=None,
    applicant=None,
    channel=Channel.ONLINE,
    actor=None,
    originals_checked=(),
):
    return application_submit(
        service=service,
        kecamatan=kecamatan,
        form_data=data if data is not None else good_data(),
        files=files if files is not None else {},
        applicant=applicant or Applicant(name="Siti Rahmawati", email="siti@example.id"),
        channel=channel,
        actor=actor,
        originals_checked=originals_checked,
    )


def advance(application, *, loket, back_office, camat, until: str):
    """Walk an application through the workflow up to ``until`` with the right roles."""
    S = ApplicationState
    path = [
        (S.VERIFYING, loket),
        (S.PROCESSING, loket),
    ]
    for target, actor in path:
        if application.state == until:
            return application
        application = application_transition(application=application, to_state=target, actor=actor)
    while application.state == S.PROCESSING and until != S.PROCESSING:
        steps = list(application.service.procedure_steps.all())
        last = is_last_back_office_step(steps, application.current_step)
        target = S.AWAITING_SIGNATURE if last else S.PROCESSING
        application = application_transition(
            application=application, to_state=target, actor=back_office
        )
    for target, actor in [(S.FINISHED, camat), (S.HANDED_OVER, loket)]:
        if application.state == until:
            return application
        application = application_transition(application=application, to_state=target, actor=actor)
    return application


# --- Form definitions (form builder helper) -------------------------------------------

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def spec(key: str, field_type: str = "singleline", **extra) -> dict:
    """A FormVersion schema entry, as ``FormField.as_spec()`` writes it."""
    condition = extra.pop("condition", None)
    return {
        "key": key,
        "label": extra.pop("label", key.replace("_", " ").capitalize()),
        "type": field_type,
        "required": extra.pop("required", True),
        "help_text": extra.pop("help_text", ""),
        "choices": extra.pop("choices", ""),
        "default": extra.pop("default", ""),
        "section": extra.pop("section", ""),
        "step": extra.pop("step", 1),
        "condition": ({"field": condition[0], "value": condition[1]} if condition else None),
        "required_document_key": extra.pop("required_document_key", ""),
        "region_scope": extra.pop("region_scope", "kecamatan"),
        **extra,
    }


def form_field(key: str, field_type: str = "singleline", **extra):
    """An unsaved ``FormField`` row for a ServiceForm."""
    from forms_builder.models import FormField

    condition = extra.pop("condition", None)
    return FormField(
        key=key,
        label=extra.pop("label", key.replace("_", " ").capitalize()),
        field_type=field_type,
        required=extra.pop("required", True),
        condition_field=condition[0] if condition else "",
        condition_value=condition[1] if condition else "",
        **extra,
    )


def service_form_create(service, fields, *, publish: bool = True, intro: str = ""):
    """A ServiceForm with ``fields`` (FormField rows), published through Wagtail."""
    from forms_builder.models import ServiceForm

    service_form = ServiceForm(service=service, intro=intro)
    for index, row in enumerate(fields):
        if row.sort_order is None:
            row.sort_order = index
    service_form.form_fields = fields
    service_form.save()
    revision = service_form.save_revision()
    if publish:
        revision.publish()
    return ServiceForm.objects.get(pk=service_form.pk)


def digital_documents(service, *, types=("pdf",), max_mb: int = 1) -> None:
    """Let the service's required documents be uploaded online (types, size limit)."""
    service.required_documents.all().update(
        accepted_file_types=list(types), max_file_size_mb=max_mb
    )
