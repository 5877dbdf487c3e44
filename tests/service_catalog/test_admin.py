"""Admin pages of the catalog viewsets render for an Admin Pemda, and scoping holds."""

from datetime import date

from django.urls import reverse

import pytest

from .factories import (
    DelegatedAuthorityFactory,
    LegalInstrumentFactory,
    MaklumatFactory,
    ServiceCategoryFactory,
    make_service,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_pemda):
    client.force_login(admin_pemda)
    return client


SNIPPETS = [
    ("legalinstrument", LegalInstrumentFactory),
    ("delegatedauthority", DelegatedAuthorityFactory),
    ("servicecategory", ServiceCategoryFactory),
]


@pytest.mark.parametrize(("model", "factory"), SNIPPETS)
def test_snippet_list_create_edit_render(admin_client, model, factory):
    obj = factory()
    base = f"wagtailsnippets_service_catalog_{model}"
    for url in (
        reverse(f"{base}:list"),
        reverse(f"{base}:add"),
        reverse(f"{base}:edit", args=[obj.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_legal_instrument_list_filters_and_search(admin_client):
    LegalInstrumentFactory(title="Pelimpahan kewenangan camat", year=2016)
    LegalInstrumentFactory(title="Retribusi jasa usaha", year=2011, kind="perda")
    url = reverse("wagtailsnippets_service_catalog_legalinstrument:list")
    response = admin_client.get(url, {"q": "Retribusi"})
    assert b"Retribusi jasa usaha" in response.content
    assert b"Pelimpahan kewenangan camat" not in response.content
    response = admin_client.get(url, {"kind": "perda", "year": 2011, "status": "berlaku"})
    assert response.status_code == 200
    assert b"Retribusi jasa usaha" in response.content


def test_delegated_authority_filter_by_kecamatan(admin_client, kecamatan):
    DelegatedAuthorityFactory(code="only-selatan", kecamatan_list=[kecamatan["64.74.02"]])
    DelegatedAuthorityFactory(code="everywhere")
    url = reverse("wagtailsnippets_service_catalog_delegatedauthority:list")
    response = admin_client.get(url, {"kecamatan": "64.74.01", "field": "non_perizinan"})
    assert response.status_code == 200
    assert b"everywhere" in response.content
    assert b"only-selatan" not in response.content


def test_delegated_authority_inspect_page(admin_client):
    """The model has a field called "field", whose display hook Wagtail looked up under
    the inspect view's own method name (the page was a 500)."""
    authority = DelegatedAuthorityFactory()
    url = reverse("wagtailsnippets_service_catalog_delegatedauthority:inspect", args=[authority.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert authority.get_field_display() in response.content.decode()


def test_maklumat_pages_render(admin_client, kecamatan):
    maklumat = MaklumatFactory(kecamatan=kecamatan["64.74.01"])
    base = "wagtailsnippets_service_catalog_maklumat"
    for url in (
        reverse(f"{base}:list"),
        reverse(f"{base}:add"),
        reverse(f"{base}:edit", args=[maklumat.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_camat_sees_only_their_maklumat(client, camat, kecamatan):
    own = MaklumatFactory(kecamatan=kecamatan["64.74.01"], camat_name="Camat Utara")
    other = MaklumatFactory(kecamatan=kecamatan["64.74.02"], camat_name="Camat Selatan")
    client.force_login(camat)
    base = "wagtailsnippets_service_catalog_maklumat"
    response = client.get(reverse(f"{base}:list"))
    assert response.status_code == 200
    assert b"Camat Utara" in response.content
    assert b"Camat Selatan" not in response.content
    assert client.get(reverse(f"{base}:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse(f"{base}:edit", args=[other.pk])).status_code == 404
    form = client.get(reverse(f"{base}:add")).context["form"]
    assert list(form.fields["kecamatan"].queryset.values_list("code", flat=True)) == ["64.74.01"]


def test_maklumat_signed_in_the_future_is_refused(admin_client, kecamatan):
    response = admin_client.post(
        reverse("wagtailsnippets_service_catalog_maklumat:add"),
        {
            "kecamatan": "64.74.01",
            "text": '{"blocks":[{"key":"a","text":"Janji","type":"unstyled","depth":0,'
            '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "camat_name": "Camat",
            "camat_nip": "",
            "signed_on": date(2099, 1, 1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "signed_on" in response.context["form"].errors


def test_service_listing_renders_with_import_export_buttons(admin_client, kecamatan):
    make_service(title="Surat Keterangan Domisili", code="skd")
    response = admin_client.get(reverse("service_pages:index"))
    assert response.status_code == 200
    assert b"Surat Keterangan Domisili" in response.content
    assert reverse("service_catalog_import", args=["layanan"]).encode() in response.content
    assert reverse("service_catalog_export_workbook").encode() in response.content


def test_service_edit_and_add_pages_render(admin_client, kecamatan):
    service = make_service(code="skd")
    assert (
        admin_client.get(reverse("wagtailadmin_pages:edit", args=[service.pk])).status_code == 200
    )
    index = service.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
    assert admin_client.get(url).status_code == 200


def test_import_and_export_pages(admin_client, kecamatan):
    ServiceCategoryFactory(slug="kependudukan", name="Kependudukan")
    for sheet in (
        "instrumen_hukum",
        "kewenangan",
        "kategori",
        "layanan",
        "persyaratan",
        "prosedur",
    ):
        assert admin_client.get(reverse("service_catalog_import", args=[sheet])).status_code == 200
        response = admin_client.get(reverse("service_catalog_export", args=[sheet]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert admin_client.get(reverse("service_catalog_export_workbook")).status_code == 200


def test_camat_cannot_import(client, camat):
    client.force_login(camat)
    response = client.get(reverse("service_catalog_import", args=["kategori"]))
    assert response.status_code in (302, 403)


def test_admin_import_previews_then_imports(admin_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from service_catalog.models import ServiceCategory

    settings.VAR_DIR = tmp_path
    url = reverse("service_catalog_import", args=["kategori"])
    csv = "slug,nama,deskripsi,urutan\nkependudukan,Kependudukan,,1\n,Tanpa slug,,2\n"
    upload = SimpleUploadedFile("kategori.csv", csv.encode(), content_type="text/csv")
    response = admin_client.post(url, {"import_file": upload})
    assert response.status_code == 200
    assert response.context["summary"].errors[0].line == 3
    assert not ServiceCategory.objects.exists()

    csv = "slug,nama,deskripsi,urutan\nkependudukan,Kependudukan,,1\n"
    upload = SimpleUploadedFile("kategori.csv", csv.encode(), content_type="text/csv")
    response = admin_client.post(url, {"import_file": upload})
    assert not response.context["summary"].errors
    assert not ServiceCategory.objects.exists()  # a preview writes nothing
    confirm = response.context["confirm_form"].initial
    response = admin_client.post(url, confirm)
    assert response.status_code == 302
    assert ServiceCategory.objects.get().name == "Kependudukan"


class TestMaklumatScopeOnEverySurface:
    """History, usage, the chooser, the editing-session ping and the site history: a camat
    reaches their own kecamatan's maklumat and nothing of another's."""

    BASE = "wagtailsnippets_service_catalog_maklumat"

    @pytest.fixture
    def maklumat(self, kecamatan):
        return {
            "own": MaklumatFactory(kecamatan=kecamatan["64.74.01"], camat_name="Camat Utara"),
            "other": MaklumatFactory(kecamatan=kecamatan["64.74.02"], camat_name="Camat Selatan"),
        }

    @pytest.mark.parametrize("view", ["history", "usage"])
    def test_history_and_usage(self, client, camat, maklumat, view):
        client.force_login(camat)
        own = client.get(reverse(f"{self.BASE}:{view}", args=[maklumat["own"].pk]))
        assert own.status_code == 200
        other = client.get(reverse(f"{self.BASE}:{view}", args=[maklumat["other"].pk]))
        assert other.status_code == 404

    def test_chooser_lists_own_only(self, client, camat, maklumat):
        client.force_login(camat)
        response = client.get(reverse("wagtailsnippetchoosers_service_catalog_maklumat:choose"))
        assert response.status_code == 200
        content = response.content.decode()
        assert str(maklumat["own"].pk) in content
        assert str(maklumat["other"].pk) not in content
        chosen = reverse(
            "wagtailsnippetchoosers_service_catalog_maklumat:chosen", args=[maklumat["other"].pk]
        )
        assert client.get(chosen).status_code == 404

    def test_editing_session_ping(self, client, camat, maklumat):
        """The ping names who else edits the object: another kecamatan's is a 404."""
        client.force_login(camat)

        def ping(obj):
            url = reverse(
                "wagtailadmin_editing_sessions:ping",
                args=["service_catalog", "maklumat", str(obj.pk), 0],
            )
            return client.post(url)

        assert ping(maklumat["own"]).status_code == 200
        assert ping(maklumat["other"]).status_code == 404

    def test_site_history(self, client, camat, admin_pemda, maklumat):
        from wagtail.log_actions import log

        for obj in maklumat.values():
            log(obj, "wagtail.edit", user=admin_pemda)
        client.force_login(camat)
        content = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
        assert str(maklumat["own"]) in content
        assert str(maklumat["other"]) not in content

    def test_chooser_asks_the_role_too(self, client, loket, maklumat):
        """Wagtail's chooser asks no permission of its own: a front-office clerk (no
        permission on maklumat) of the same kecamatan gets none."""
        client.force_login(loket)
        response = client.get(reverse("wagtailsnippetchoosers_service_catalog_maklumat:choose"))
        assert response.status_code == 404
        chosen = reverse(
            "wagtailsnippetchoosers_service_catalog_maklumat:chosen", args=[maklumat["own"].pk]
        )
        assert client.get(chosen).status_code == 404
        history = reverse(f"{self.BASE}:history", args=[maklumat["own"].pk])
        assert client.get(history).status_code == 404


def test_accepted_file_types_are_ticked_not_typed(admin_client, kecamatan):
    from service_catalog.models import ServicePage

    from .factories import service_post_data

    service = make_service(code="skd")
    service.required_documents.update(accepted_file_types=["pdf", "png"])
    content = admin_client.get(reverse("wagtailadmin_pages:edit", args=[service.pk])).content
    html = content.decode()
    name = "required_documents-0-accepted_file_types"
    assert f'type="checkbox" name="{name}" value="pdf"' in html
    assert html.count(f'name="{name}"') == 3  # PDF, JPEG, PNG: no JSON box
    index = service.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
    data = {**service_post_data(), "action-submit": "1", name: ["pdf", "jpg"]}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    created = ServicePage.objects.get(code="baru")
    revision = created.get_latest_revision_as_object()
    assert [d.accepted_file_types for d in revision.required_documents.all()] == [["pdf", "jpg"]]


class TestDocumentKeys:
    """Required documents get their key from their name; nobody types one."""

    def _add(self, admin_client, documents):
        from service_catalog.models import ServicePage

        from .factories import service_post_data

        index = make_service(code="skd").get_parent()
        url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
        data = {**service_post_data(documents=documents), "action-submit": "1"}
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        return ServicePage.objects.get(code="baru")

    def test_the_editor_has_no_key_box(self, admin_client, kecamatan):
        index = make_service(code="skd").get_parent()
        url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
        html = admin_client.get(url).content.decode()
        assert 'name="required_documents-__prefix__-name"' in html
        assert 'name="required_documents-__prefix__-key"' not in html

    def test_keys_are_made_from_names_and_unique(self, admin_client, kecamatan):
        service = self._add(
            admin_client,
            [
                {"name": "Surat pengantar RT/RW", "form": "asli"},
                {"name": "Surat pengantar RT/RW", "form": "fotokopi"},
                {"name": "2 lembar pas foto", "form": "asli"},
            ],
        )
        keys = list(service.required_documents.order_by("sort_order").values_list("key", flat=True))
        assert keys == [
            "surat_pengantar_rtrw",
            "surat_pengantar_rtrw_2",
            "dokumen_2_lembar_pas_foto",
        ]

    def test_a_renamed_document_keeps_its_key(self, admin_client, kecamatan):
        from .factories import service_post_data

        service = self._add(admin_client, [{"name": "KTP", "form": "fotokopi"}])
        document = service.required_documents.get()
        assert document.key == "ktp"
        data = {
            **service_post_data(
                documents=[
                    {"id": document.pk, "name": "Kartu Tanda Penduduk elektronik", "form": "asli"},
                    {"name": "KTP", "form": "fotokopi"},
                ],
                initial=1,
            ),
            "code": "baru",
        }
        edit = reverse("wagtailadmin_pages:edit", args=[service.pk])
        response = admin_client.post(edit, data)
        assert response.status_code == 302, response.context["form"].errors
        service.refresh_from_db()
        revision = service.get_latest_revision_as_object()
        assert [(d.name, d.key) for d in revision.required_documents.all()] == [
            ("Kartu Tanda Penduduk elektronik", "ktp"),
            ("KTP", "ktp_2"),
        ]


def test_legal_instrument_chooser_names_the_subject_and_searches_it(admin_client):
    LegalInstrumentFactory(kind="perbup", number="12", year=2023, title="Pelimpahan kewenangan")
    LegalInstrumentFactory(kind="perbup", number="13", year=2023, title="Tarif retribusi")
    url = reverse("wagtailsnippetchoosers_service_catalog_legalinstrument:choose")
    html = admin_client.get(url).content.decode()
    assert "Nomor 12 Tahun 2023 tentang Pelimpahan kewenangan" in html
    results = reverse("wagtailsnippetchoosers_service_catalog_legalinstrument:choose_results")
    html = admin_client.get(results, {"q": "retribusi"}).content.decode()
    assert "Nomor 13 Tahun 2023 tentang Tarif retribusi" in html
    assert "Pelimpahan kewenangan" not in html


class TestSlug:
    def _add_url(self):
        index = make_service(code="skd").get_parent()
        return reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])

    def test_the_title_fills_the_slug(self, admin_client, kecamatan):
        html = admin_client.get(self._add_url()).content.decode()
        # Wagtail's title panel syncs the slug field with its title (w-sync controller).
        title = html[html.index('id="id_title"') - 600 : html.index('id="id_title"') + 400]
        assert "w-sync" in title and "#id_slug" in title

    def test_a_taken_slug_is_refused_in_indonesian(self, admin_client, kecamatan):
        from .factories import service_post_data

        url = self._add_url()
        taken = make_service(code="lain")
        data = {**service_post_data(), "slug": taken.slug, "action-submit": "1"}
        response = admin_client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "sudah digunakan" in html
        assert "already in use" not in html


def test_admin_import_of_services_submits_them_for_approval(admin_client, settings, tmp_path):
    """The import's screens say that the services wait for another admin's approval."""
    import copy

    from django.core.files.uploadedfile import SimpleUploadedFile

    from service_catalog.models import ServicePage
    from service_catalog.workbook import catalog_import, catalog_workbook_read
    from service_catalog.workbook_example import TEMPLATE_EXAMPLE

    from .test_workbook import workbook

    settings.VAR_DIR = tmp_path
    example = copy.deepcopy(TEMPLATE_EXAMPLE)
    sheets = {
        k: v for k, v in example.items() if k in ("instrumen_hukum", "kewenangan", "kategori")
    }
    assert catalog_import(datasets=catalog_workbook_read(content=workbook(sheets))).committed
    url = reverse("service_catalog_import", args=["layanan"])
    upload = SimpleUploadedFile("layanan.xlsx", workbook({"layanan": example["layanan"]}))
    response = admin_client.post(url, {"import_file": upload})
    assert not response.context["summary"].errors
    assert "1 layanan akan dikirim untuk persetujuan." in response.content.decode()

    response = admin_client.post(url, response.context["confirm_form"].initial, follow=True)
    assert "1 layanan dikirim untuk persetujuan" in response.content.decode()
    service = ServicePage.objects.get(code="skd")
    assert not service.live
    assert service.current_workflow_state.requested_by.username == "admin.pemda"


class TestOneStepPerTransition:
    """A workflow transition records one procedure step: the editor refuses it on two,
    in Indonesian, and saves nothing."""

    MESSAGE = (
        "Satu transisi hanya mencatat satu langkah; dipilih untuk beberapa langkah: "
        "Camat menandatangani dan menerbitkan dokumen"
    )

    @staticmethod
    def _twice(data: dict) -> dict:
        return {
            **data,
            "procedure_steps-0-recorded_by": "tanda_tangan",
            "procedure_steps-1-recorded_by": "tanda_tangan",
        }

    def test_adding_a_service_is_refused(self, admin_client, kecamatan):
        from service_catalog.models import ServicePage

        from .factories import service_post_data

        index = make_service(code="skd").get_parent()
        url = reverse("wagtailadmin_pages:add", args=["service_catalog", "servicepage", index.pk])
        data = {**self._twice(service_post_data()), "action-submit": "1"}
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert self.MESSAGE in response.context["form"].non_field_errors()
        assert self.MESSAGE in response.content.decode()
        assert not ServicePage.objects.filter(code="baru").exists()

    def test_editing_a_service_is_refused(self, admin_client, kecamatan):
        from wagtail.models import Revision

        from .factories import service_post_data

        service = make_service(code="baru")
        revisions = Revision.objects.count()
        data = self._twice(service_post_data())
        response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[service.pk]), data)
        assert response.status_code == 200
        assert self.MESSAGE in response.context["form"].non_field_errors()
        assert Revision.objects.count() == revisions
        assert not service.procedure_steps.exclude(recorded_by="").exists()


def test_a_sheet_exported_from_the_list_is_edited_in_labels_and_imported(
    admin_client, settings, tmp_path
):
    """The list's Ekspor writes labels with their dropdown; its Impor reads labels and
    refuses an unknown one with its line, column and the labels allowed."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile

    import openpyxl

    from service_catalog.models import ProcedureStep

    settings.VAR_DIR = tmp_path
    service = make_service(code="skd", steps=2)
    for order, step in enumerate(ProcedureStep.objects.filter(service=service).order_by("pk"), 1):
        ProcedureStep.objects.filter(pk=step.pk).update(sort_order=order)  # as the editor numbers
    response = admin_client.get(reverse("service_catalog_export", args=["prosedur"]))
    book = openpyxl.load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    role, unit = headers.index("pelaksana"), headers.index("satuan_waktu")
    assert [(row[role], row[unit]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("Pemohon", "menit"),
        ("Petugas loket", "menit"),
    ]
    assert book["pilihan"].sheet_state == "hidden"
    assert len(sheet.data_validations.dataValidation) == 3

    def upload(value):
        sheet.cell(row=3, column=role + 1, value=value)
        out = BytesIO()
        book.save(out)
        url = reverse("service_catalog_import", args=["prosedur"])
        file = SimpleUploadedFile("prosedur.xlsx", out.getvalue())
        return admin_client.post(url, {"import_file": file}).context["summary"]

    (error,) = upload("Satpam").errors
    assert error.line == 3
    assert error.messages == [
        "Kolom “pelaksana”: “Satpam” tidak diperbolehkan; tulis salah satu dari: “Pemohon”; "
        "“Petugas loket”; “Petugas back office / teknis”; “Kepala seksi (Kasi)”; "
        "“Sekretaris camat (Sekcam)”; “Camat”; “Kasir”; “Tim teknis / OPD”."
    ]
    summary = upload("  kepala SEKSI (kasi) ")
    assert summary.errors == [] and summary.updated == 1
