"""Form versions: snapshots on publish, idempotent, old versions keep working."""

from django.core.exceptions import ValidationError

import pytest

from forms_builder.forms import ApplicationFormBuilder
from forms_builder.models import FormVersion, ServiceForm
from forms_builder.services import form_version_publish, service_form_validate
from tests.service_catalog.factories import make_service

from .factories import form_field, service_form_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_service(bontang):
    return make_service(title="Surat Keterangan Usaha", code="sku")


def _fields():
    return [
        form_field("nama_usaha", label="Nama usaha"),
        form_field("jenis", "dropdown", choices="Dagang\nJasa"),
        form_field("alamat_usaha", "multiline", required=False, condition=("jenis", "Dagang")),
    ]


class TestPublish:
    def test_publishing_creates_version_one(self, fresh_service):
        service_form = service_form_create(fresh_service, _fields())
        version = FormVersion.objects.current_for(fresh_service)
        assert version.number == 1
        assert [f["key"] for f in version.schema] == ["nama_usaha", "jenis", "alamat_usaha"]
        assert version.schema[2]["condition"] == {"field": "jenis", "value": "Dagang"}
        assert service_form.live

    def test_draft_creates_no_version(self, fresh_service):
        service_form_create(fresh_service, _fields(), publish=False)
        assert not FormVersion.objects.filter(service=fresh_service).exists()

    def test_republishing_unchanged_is_idempotent(self, fresh_service):
        service_form = service_form_create(fresh_service, _fields())
        service_form.save_revision().publish()
        assert form_version_publish(service_form=service_form).number == 1
        assert FormVersion.objects.filter(service=fresh_service).count() == 1

    def test_change_creates_next_version(self, fresh_service):
        service_form = service_form_create(fresh_service, _fields())
        field = service_form.form_fields.get(key="nama_usaha")
        field.label = "Nama perusahaan"
        field.save()
        service_form = ServiceForm.objects.get(pk=service_form.pk)
        service_form.save_revision().publish()
        assert FormVersion.objects.current_for(fresh_service).number == 2
        assert FormVersion.objects.get(service=fresh_service, number=1).schema[0]["label"] == (
            "Nama usaha"
        )

    def test_order_follows_sort_order(self, fresh_service):
        service_form = service_form_create(fresh_service, _fields())
        rows = list(service_form.form_fields.all())
        rows[0].sort_order, rows[2].sort_order = 9, -1
        for row in rows:
            row.save()
        version = form_version_publish(service_form=ServiceForm.objects.get(pk=service_form.pk))
        assert [f["key"] for f in version.schema] == ["alamat_usaha", "jenis", "nama_usaha"]

    def test_versions_are_immutable(self, fresh_service):
        service_form_create(fresh_service, _fields())
        version = FormVersion.objects.current_for(fresh_service)
        version.schema = []
        with pytest.raises(ValueError, match="immutable"):
            version.save()

    def test_inconsistent_form_is_refused(self, fresh_service):
        service_form = service_form_create(
            fresh_service,
            [form_field("berkas", "file", required_document_key="tidak_ada")],
            publish=False,
        )
        with pytest.raises(ValidationError):
            service_form_validate(service_form=service_form)
        with pytest.raises(ValidationError):
            form_version_publish(service_form=service_form)
        # Published anyway (e.g. by the scheduler): logged, no version written.
        service_form.save_revision().publish()
        assert not FormVersion.objects.filter(service=fresh_service).exists()


class TestOldVersionsKeepWorking:
    def test_rename_and_remove_after_v1(self, fresh_service, utara):
        service_form = service_form_create(fresh_service, _fields())
        v1 = FormVersion.objects.current_for(fresh_service)
        # An application-like consumer stores the version and its data.
        stored = {"version": v1.pk, "data": {"nama_usaha": "Toko Sejahtera", "jenis": "Jasa"}}

        service_form = ServiceForm.objects.get(pk=service_form.pk)
        service_form.form_fields.get(key="nama_usaha").delete()
        renamed = service_form.form_fields.get(key="jenis")
        renamed.label = "Bidang usaha"
        renamed.choices = "Perdagangan\nJasa\nIndustri"
        renamed.save()
        service_form = ServiceForm.objects.get(pk=service_form.pk)
        service_form.form_fields.add(form_field("npwp", "npwp", required=False))
        service_form.save()
        service_form.save_revision().publish()
        v2 = FormVersion.objects.current_for(fresh_service)
        assert v2.number == 2
        assert "nama_usaha" not in [f["key"] for f in v2.schema]

        old = FormVersion.objects.get(pk=stored["version"])
        form = ApplicationFormBuilder.for_version(old, kecamatan=utara).get_form_class()(
            data=stored["data"]
        )
        assert form.is_valid(), form.errors
        assert form.json_data() == stored["data"]
        assert form.fields["jenis"].label == "Jenis"
        new = ApplicationFormBuilder.for_version(v2, kecamatan=utara).get_form_class()(
            data={"jenis": "Industri"}
        )
        assert new.is_valid(), new.errors
