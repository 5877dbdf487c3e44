"""Admin of application forms: create, publish, validation across fields, permissions."""

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from forms_builder.models import FormVersion, ServiceForm
from paten.accounts.constants import Role
from paten.accounts.services import staff_create

from .factories import form_field, service_form_create

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_forms_builder_serviceform:add"
EDIT = "wagtailsnippets_forms_builder_serviceform:edit"
LIST = "wagtailsnippets_forms_builder_serviceform:list"


@pytest.fixture
def admin_client(client, django_user_model, bontang):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.id", "x"))
    return client


@pytest.fixture
def pemda_client(client, bontang):
    client.force_login(staff_create(username="pemda", password="x", roles=[Role.ADMIN_PEMDA]))
    return client


def _row(key, field_type="singleline", **extra):
    """A posted field row; nobody types a key: the label "Nik pemohon" makes nik_pemohon."""
    return {
        "label": extra.pop("label", key.replace("_", " ").capitalize()),
        "field_type": field_type,
        "required": extra.pop("required", "on"),
        "section": "",
        "step": "1",
        "help_text": "",
        "choices": "",
        "default_value": "",
        "condition_field": "",
        "condition_value": "",
        "required_document_key": "",
        "region_scope": "kecamatan",
        **extra,
    }


def _post(service, rows, **extra):
    return nested_form_data(
        {
            "service": service.pk,
            "intro": "Isi dengan benar.",
            "form_fields": inline_formset(rows),
            **extra,
        }
    )


class TestCreateAndPublish:
    def test_create_and_publish_makes_version(self, admin_client, service):
        rows = [
            _row("nik_pemohon", "nik"),
            _row("status", "radio", choices="Sendiri\nDikuasakan"),
            _row("nik_kuasa", "nik", condition_field="status", condition_value="Dikuasakan"),
            _row("pengantar", "file", required_document_key="doc0"),
        ]
        response = admin_client.post(
            reverse(ADD), _post(service, rows, **{"action-publish": "action-publish"})
        )
        assert response.status_code == 302, response.context["form"].errors
        service_form = ServiceForm.objects.get(service=service)
        assert service_form.live
        assert [f.key for f in service_form.form_fields.all()] == [
            "nik_pemohon",
            "status",
            "nik_kuasa",
            "pengantar",
        ]
        version = FormVersion.objects.current_for(service)
        assert version.number == 2  # the conftest service already had a version 1
        assert version.schema[3]["required_document_key"] == "doc0"

    def test_save_draft_makes_no_version(self, admin_client, service):
        response = admin_client.post(reverse(ADD), _post(service, [_row("nama")]))
        assert response.status_code == 302
        assert not ServiceForm.objects.get(service=service).live
        assert FormVersion.objects.current_for(service).number == 1

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            (
                [_row("berkas", "file", required_document_key="tidak_ada")],
                "harus menyebut persyaratan",
            ),
            ([_row("a", condition_field="b", condition_value="x")], "yang tidak ada"),
            (
                [
                    _row("a", condition_field="b", condition_value="x"),
                    _row("b", condition_field="a", condition_value="x"),
                ],
                "lingkaran",
            ),
            ([_row("pilihan", "dropdown")], "daftar pilihan"),
        ],
    )
    def test_inconsistent_form_is_refused(self, admin_client, service, rows, message):
        response = admin_client.post(
            reverse(ADD), _post(service, rows, **{"action-publish": "action-publish"})
        )
        assert response.status_code == 200
        form = response.context["form"]
        errors = " ".join(str(e) for e in form.non_field_errors()) + " ".join(
            str(f.errors) for f in form.formsets["form_fields"].forms
        )
        assert message in errors
        assert not ServiceForm.objects.filter(service=service).exists()

    def test_edit_and_publish_new_version(self, admin_client, service):
        service_form = service_form_create(service, [form_field("nama")])
        assert FormVersion.objects.current_for(service).number == 2
        row = service_form.form_fields.get()
        data = nested_form_data(
            {
                "service": service.pk,
                "intro": "",
                "form_fields": inline_formset(
                    [{**_row("nama", label="Nama lengkap"), "id": row.pk}], initial=1
                ),
                "action-publish": "action-publish",
            }
        )
        response = admin_client.post(reverse(EDIT, args=[service_form.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
        version = FormVersion.objects.current_for(service)
        assert version.number == 3
        assert version.schema[0]["label"] == "Nama lengkap"
        assert version.schema[0]["key"] == "nama"  # renaming keeps the key


class TestViews:
    def test_admin_pemda_lists_creates_and_searches(self, pemda_client, service):
        service_form_create(service, [form_field("nama")])
        response = pemda_client.get(reverse(LIST))
        assert response.status_code == 200
        assert service.title in response.content.decode()
        assert pemda_client.get(reverse(LIST), {"q": "Domisili"}).status_code == 200
        assert pemda_client.get(reverse(ADD)).status_code == 200

    def test_loket_cannot(self, client, service):
        user = staff_create(
            username="loket", password="x", roles=[Role.PETUGAS_LOKET], kecamatan=["64.74.01"]
        )
        client.force_login(user)
        assert client.get(reverse(LIST)).status_code in {302, 403}

    def test_add_prefills_service_from_page_link(self, admin_client, service):
        response = admin_client.get(reverse(ADD), {"service": service.pk})
        assert response.context["form"].initial.get("service") == service.pk

    def test_adding_a_form_the_service_has_opens_it(self, pemda_client, service):
        draft = service_form_create(service, [form_field("nama")], publish=False)
        edit_url = reverse(EDIT, args=[draft.pk])
        response = pemda_client.get(reverse(ADD), {"service": service.pk})
        assert response.status_code == 302 and response["Location"] == edit_url
        response = pemda_client.post(reverse(ADD), _post(service, [_row("alamat")]))
        assert response.status_code == 302 and response["Location"] == edit_url
        assert ServiceForm.objects.filter(service=service).count() == 1
        page = pemda_client.get(edit_url).content.decode()
        assert "sudah memiliki formulir permohonan" in page

    def test_a_form_created_meanwhile_by_autosave_opens_instead_of_failing(
        self, pemda_client, service, monkeypatch
    ):
        from forms_builder.forms import ServiceFormAdminForm
        from forms_builder.viewsets import ServiceFormCreateView

        draft = service_form_create(service, [form_field("nama")], publish=False)
        real = ServiceFormCreateView._existing_form
        calls = []

        def not_yet_on_first_look(view, service_id):
            calls.append(service_id)
            return None if len(calls) == 1 else real(view, service_id)

        monkeypatch.setattr(ServiceFormCreateView, "_existing_form", not_yet_on_first_look)
        # The other request commits after this one's checks: only the database sees it.
        monkeypatch.setattr(ServiceFormAdminForm, "validate_unique", lambda form: None)
        response = pemda_client.post(reverse(ADD), _post(service, [_row("alamat")]))
        assert response.status_code == 302
        assert response["Location"] == reverse(EDIT, args=[draft.pk])
        assert ServiceForm.objects.filter(service=service).count() == 1

    def test_service_page_links_to_its_form(self, admin_client, service):
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[service.pk]))
        assert f"{reverse(ADD)}?service={service.pk}" in response.content.decode()
        service_form = service_form_create(service, [form_field("nama")])
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[service.pk]))
        assert reverse(EDIT, args=[service_form.pk]) in response.content.decode()

    def test_preview_renders_the_form(self, admin_client, service):
        service_form = service_form_create(service, [form_field("nik_pemohon", "nik")])
        url = reverse(
            "wagtailsnippets_forms_builder_serviceform:preview_on_edit", args=[service_form.pk]
        )
        data = nested_form_data(
            {
                "service": service.pk,
                "intro": "",
                "form_fields": inline_formset([_row("hp", "phone", label="Nomor HP")]),
            }
        )
        assert admin_client.post(url, data).json()["is_valid"]
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "Nomor HP" in response.content.decode()


class TestPersonalDataMark:
    def test_the_checkbox_is_offered(self, admin_client, service):
        response = admin_client.get(reverse(ADD))
        assert 'name="form_fields-__prefix__-personal"' in response.content.decode()

    def test_created_fields_are_marked_by_what_they_hold(self, admin_client, service):
        rows = [_row("nama_pemohon", label="Nama lengkap"), _row("keperluan")]
        response = admin_client.post(
            reverse(ADD), _post(service, rows, **{"action-publish": "action-publish"})
        )
        assert response.status_code == 302, response.context["form"].errors
        schema = FormVersion.objects.current_for(service).schema
        assert {s["key"]: s["personal"] for s in schema} == {
            "nama_lengkap": True,
            "keperluan": False,
        }

    def test_the_admin_ticks_and_unticks_a_field(self, admin_client, service):
        service_form = service_form_create(
            service, [form_field("nama", label="Nama"), form_field("catatan")]
        )
        name, note = service_form.form_fields.order_by("sort_order")
        assert name.personal and not note.personal
        data = nested_form_data(
            {
                "service": service.pk,
                "intro": "",
                "form_fields": inline_formset(
                    [
                        {**_row("nama", label="Nama"), "id": name.pk},
                        {**_row("catatan"), "id": note.pk, "personal": "on"},
                    ],
                    initial=2,
                ),
                "action-publish": "action-publish",
            }
        )
        response = admin_client.post(reverse(EDIT, args=[service_form.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
        schema = FormVersion.objects.current_for(service).schema
        assert {s["key"]: s["personal"] for s in schema} == {"nama": False, "catatan": True}


class TestNothingTyped:
    """Keys are made from labels; documents and conditions are chosen from lists."""

    def test_the_editor_offers_lists_and_no_key_box(self, admin_client, service):
        service_form = service_form_create(service, [form_field("status", "radio")])
        html = admin_client.get(reverse(EDIT, args=[service_form.pk])).content.decode()
        assert 'name="form_fields-__prefix__-key"' not in html
        assert 'name="form_fields-0-key"' not in html
        documents = dict(service.required_documents.values_list("key", "name"))
        assert documents
        for key, name in documents.items():
            # The empty row the "Add" button copies lists the documents by name.
            assert f'<option value="{key}">{name}</option>' in html
        assert '<option value="status">Status</option>' in html

    def test_a_new_form_lists_the_preselected_service_documents(self, admin_client, service):
        html = admin_client.get(reverse(ADD), {"service": service.pk}).content.decode()
        for key, name in service.required_documents.values_list("key", "name"):
            assert f'<option value="{key}">{name}</option>' in html

    def test_keys_come_from_labels_and_stay_unique(self, admin_client, service):
        document = service.required_documents.order_by("sort_order").first()
        rows = [
            _row("x", label="Nama lengkap"),
            _row("x", label="Nama lengkap"),
            _row("x", "file", label="Surat pengantar", required_document_key=document.key),
        ]
        response = admin_client.post(
            reverse(ADD), _post(service, rows, **{"action-publish": "action-publish"})
        )
        assert response.status_code == 302, response.context["form"].errors
        schema = FormVersion.objects.current_for(service).schema
        assert [s["key"] for s in schema] == ["nama_lengkap", "nama_lengkap_2", "surat_pengantar"]
        assert schema[2]["required_document_key"] == document.key

    def test_a_file_field_without_a_document_names_the_documents(self, admin_client, service):
        rows = [_row("x", "file", label="Berkas", required_document_key="tidak_ada")]
        response = admin_client.post(
            reverse(ADD), _post(service, rows, **{"action-publish": "action-publish"})
        )
        assert response.status_code == 200
        message = " ".join(str(e) for e in response.context["form"].non_field_errors())
        for name in service.required_documents.values_list("name", flat=True):
            assert name in message
