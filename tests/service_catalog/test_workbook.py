"""Catalog resources and the XLSX catalog import (command and service)."""

import copy
from io import BytesIO, StringIO

from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation

import openpyxl
import pytest
import tablib

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from paten.dates import long_date
from service_catalog.models import (
    DelegatedAuthority,
    LegalInstrument,
    ProcedureStep,
    ServiceCategory,
    ServicePage,
)
from service_catalog.resources import (
    CATALOG_RESOURCES,
    RESOURCE_BY_SHEET,
    LegalInstrumentResource,
    plain_to_richtext,
    richtext_to_plain,
)
from service_catalog.services import service_approve
from service_catalog.workbook import catalog_import, catalog_workbook_export, catalog_workbook_read
from service_catalog.workbook_example import TEMPLATE_EXAMPLE
from tests.bontang import bontang_regions

pytestmark = pytest.mark.django_db


def workbook(sheets: dict[str, list[dict]]) -> bytes:
    """An XLSX workbook built with openpyxl, headers as the resources expect."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for resource in CATALOG_RESOURCES:
        if resource.sheet not in sheets:
            continue
        headers = resource().get_export_headers()
        sheet = book.create_sheet(resource.sheet)
        sheet.append(headers)
        for row in sheets[resource.sheet]:
            sheet.append([row.get(h) for h in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def example():
    return copy.deepcopy(TEMPLATE_EXAMPLE)


@pytest.fixture
def path_of(tmp_path):
    def write(sheets) -> str:
        path = tmp_path / "katalog.xlsx"
        path.write_bytes(workbook(sheets))
        return str(path)

    return write


@pytest.fixture
def admins(db):
    """Two Admin Pemda: one imports, the other approves."""
    roles_sync_permissions()
    return [
        staff_create(username=f"admin{n}", password="x", roles=[Role.ADMIN_PEMDA]) for n in (1, 2)
    ]


def approve_all(approver) -> None:
    """Approve every service waiting in the approval workflow."""
    for service in ServicePage.objects.all():
        if service.workflow_in_progress:
            service_approve(service=service, user=approver)


def import_approved(example, admins):
    """Import ``example`` as the first admin and approve it as the second."""
    report = catalog_import(
        datasets=catalog_workbook_read(content=workbook(example)), user=admins[0]
    )
    approve_all(admins[1])
    return report


def counts():
    return (
        LegalInstrument.objects.count(),
        DelegatedAuthority.objects.count(),
        ServiceCategory.objects.count(),
        ServicePage.objects.count(),
        ProcedureStep.objects.count(),
    )


def test_richtext_is_escaped_and_round_trips():
    html = plain_to_richtext('Kotak <script>alert("x")</script>\nbaris dua\n\nparagraf')
    assert "<script>" not in html
    assert html == (
        "<p>Kotak &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br/>baris dua</p><p>paragraf</p>"
    )
    assert richtext_to_plain(html) == 'Kotak <script>alert("x")</script>\nbaris dua\n\nparagraf'


class TestImportNeedsApproval:
    """An import submits its services for approval in the importer's name: nobody
    publishes a standard without somebody else's approval."""

    def test_new_service_waits_not_live_until_another_admin_approves(self, example, admins):
        importer, approver = admins
        report = catalog_import(
            datasets=catalog_workbook_read(content=workbook(example)), user=importer
        )
        assert report.errors == []
        assert report.submitted == ["skd"]
        service = ServicePage.objects.get(code="skd")
        assert not service.live and service.live_revision_id is None
        assert service.get_parent().slug == "layanan"
        state = service.current_workflow_state
        assert state.status == "in_progress" and state.requested_by == importer
        with pytest.raises(PermissionDenied):
            service_approve(service=service, user=importer)
        assert not ServicePage.objects.get(code="skd").live

        service_approve(service=service, user=approver)
        service = ServicePage.objects.get(code="skd")
        assert service.live and service.live_revision_id
        assert not service.workflow_in_progress
        assert [d.key for d in service.required_documents.all()] == ["pengantar", "kuasa"]
        assert service.procedure_steps.count() == 2
        assert [b.article for b in service.legal_basis.all()] == ["", "Lampiran huruf B angka 2"]
        assert DelegatedAuthority.objects.get(code="pskwc-b2").all_kecamatan

    def test_changed_service_keeps_its_live_page_until_approved(self, client, example, admins):
        importer, approver = admins
        import_approved(example, admins)
        live = ServicePage.objects.get(code="skd")
        old_summary = live.summary
        old_steps = list(live.procedure_steps.values_list("pk", "title"))
        example["layanan"][0]["ringkasan"] = "Ringkasan baru dari impor."
        example["prosedur"] = example["prosedur"][:1]
        example["prosedur"][0]["langkah"] = "Semua di loket"

        report = catalog_import(
            datasets=catalog_workbook_read(content=workbook(example)), user=importer
        )
        assert report.submitted == ["skd"]
        page = ServicePage.objects.get(code="skd")
        assert page.summary == old_summary
        assert list(page.procedure_steps.values_list("pk", "title")) == old_steps
        assert page.live and page.has_unpublished_changes
        assert page.current_workflow_state.status == "in_progress"
        public = client.get(page.url)
        assert public.status_code == 200
        assert old_summary in public.content.decode()
        assert "Ringkasan baru" not in public.content.decode()
        with pytest.raises(PermissionDenied):
            service_approve(service=page, user=importer)

        service_approve(service=page, user=approver)
        page = ServicePage.objects.get(code="skd")
        assert page.summary == "Ringkasan baru dari impor."
        assert [s.title for s in page.procedure_steps.all()] == ["Semua di loket"]
        assert "Ringkasan baru" in client.get(page.url).content.decode()

    def test_service_waiting_for_approval_refuses_another_import(self, example, admins):
        catalog_import(datasets=catalog_workbook_read(content=workbook(example)), user=admins[0])
        example["layanan"][0]["ringkasan"] = "Lagi."
        report = catalog_import(
            datasets=catalog_workbook_read(content=workbook(example)), user=admins[0]
        )
        assert [(e.sheet, e.line) for e in report.errors] == [("layanan", 2)]
        assert ServicePage.objects.get(code="skd").revisions.count() == 1


def test_reimport_changes_nothing(example, admins):
    import_approved(example, admins)
    service = ServicePage.objects.get(code="skd")
    revision = service.latest_revision_id
    report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
    assert report.errors == []
    assert report.submitted == []
    assert all(s.new == 0 and s.updated == 0 for s in report.summaries.values())
    assert ServicePage.objects.get(code="skd").latest_revision_id == revision


def test_bad_rows_change_nothing_and_are_all_listed(example):
    example["instrumen_hukum"].append({"jenis": "perbup", "nomor": "1", "tahun": "dua ribu"})
    example["persyaratan"][1]["syarat"] = ""  # conditional without condition
    example["prosedur"][0]["satuan_waktu"] = "weeks"
    before = counts()
    report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
    assert counts() == before
    where = {(e.sheet, e.line) for e in report.errors}
    assert ("instrumen_hukum", 4) in where
    assert ("persyaratan", 3) in where
    assert ("prosedur", 2) in where
    text = " ".join(str(e) for e in report.errors)
    assert "weeks" in text


def test_steps_longer_than_the_total_are_refused(example):
    example["prosedur"][1].update(waktu=3, satuan_waktu="working_days")
    report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
    assert not report.committed
    assert [(e.sheet, e.line) for e in report.errors] == [("layanan", 2)]
    assert not ServicePage.objects.exists()


def test_delegation_to_some_kecamatan(example):
    bontang_regions()
    example["kewenangan"][0]["kecamatan"] = "64.74.01; 64.74.03"
    assert catalog_import(datasets=catalog_workbook_read(content=workbook(example))).committed
    delegation = DelegatedAuthority.objects.get(code="pskwc-b2")
    assert not delegation.all_kecamatan
    assert sorted(delegation.kecamatan.values_list("code", flat=True)) == ["64.74.01", "64.74.03"]


def test_unknown_kecamatan_is_refused(example):
    example["kewenangan"][0]["kecamatan"] = "64.74.09"
    report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
    assert ("kewenangan", 2) in {(e.sheet, e.line) for e in report.errors}


def test_dry_run_writes_nothing(example):
    report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)), dry_run=True)
    assert report.errors == []
    assert counts() == (0, 0, 0, 0, 0)


def test_legal_instrument_resource_alone_is_idempotent():
    dataset = tablib.Dataset(headers=["jenis", "nomor", "tahun", "judul", "status"])
    dataset.append(["perwal", "12", 2020, "Pelimpahan kewenangan", "berlaku"])
    dataset.append(["perwal", "13", 2021, "Perubahan", "diubah"])  # amended: needs replaced_by
    result = LegalInstrumentResource().import_data(dataset, dry_run=False)
    assert [row.number for row in result.invalid_rows] == [2]
    dataset = tablib.Dataset(headers=["jenis", "nomor", "tahun", "judul", "status"])
    dataset.append(["perwal", "12", 2020, "Pelimpahan kewenangan", "berlaku"])
    result = LegalInstrumentResource().import_data(dataset, dry_run=False)
    assert result.totals["skip"] == 1


def test_export_round_trips(example, admins):
    import_approved(example, admins)
    exported = catalog_workbook_read(content=catalog_workbook_export())
    report = catalog_import(datasets=exported)
    assert report.errors == []
    assert report.submitted == []


def test_import_command(example, path_of, admins):
    out = StringIO()
    call_command("import_catalog", path_of(example), "--dry-run", stdout=out)
    assert "tidak ada yang disimpan" in out.getvalue()
    assert not ServicePage.objects.exists()
    with pytest.raises(CommandError, match="--user wajib"):
        call_command("import_catalog", path_of(example), stdout=out)
    assert not ServicePage.objects.exists()
    call_command("import_catalog", path_of(example), "--user", "admin1", stdout=out)
    assert "1 layanan dikirim untuk persetujuan" in out.getvalue()
    service = ServicePage.objects.get(code="skd")
    assert not service.live
    assert service.current_workflow_state.requested_by == admins[0]


def test_import_command_lists_bad_rows(example, path_of, admins):
    example["layanan"][0]["biaya"] = "fixed"  # a fixed fee without an amount
    err = StringIO()
    with pytest.raises(CommandError, match="baris bermasalah"):
        call_command("import_catalog", path_of(example), "--user", "admin1", stderr=err)
    assert "layanan baris 2" in err.getvalue()
    assert not ServicePage.objects.exists()


def test_template_command_writes_the_example(tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("export_catalog_template", str(path), stdout=StringIO())
    sheets = catalog_workbook_read(content=path.read_bytes())
    assert list(sheets) == [r.sheet for r in CATALOG_RESOURCES]
    assert catalog_import(datasets=sheets).committed


class TestStepTransitionColumn:
    """Procedure steps that a workflow transition records carry it in the workbook, as
    its label (what the admin reads in the editor), both ways."""

    COLUMN = "dicatat_otomatis_oleh"

    def test_labels_round_trip(self, example, admins):
        import_approved(example, admins)
        steps = ServicePage.objects.get(code="skd").procedure_steps.all()
        assert [s.recorded_by for s in steps] == ["pendaftaran", "tanda_tangan"]

        exported = catalog_workbook_read(content=catalog_workbook_export())
        assert [row[self.COLUMN] for row in exported["prosedur"].dict] == [
            "Pendaftaran permohonan (daring atau di loket)",
            "Camat menandatangani dan menerbitkan dokumen",
        ]
        report = catalog_import(datasets=exported)
        assert report.errors == [] and report.submitted == []

    def test_a_changed_label_is_imported_case_and_spacing_aside(self, example, admins):
        example["prosedur"][1][self.COLUMN] = "  loket MENYERAHKAN dokumen kepada  pemohon "
        import_approved(example, admins)
        step = ProcedureStep.objects.get(service__code="skd", sort_order=2)
        assert step.recorded_by == "penyerahan"

    def test_an_unknown_label_is_refused_with_the_allowed_ones(self, example):
        example["prosedur"][0][self.COLUMN] = "ditandatangani"
        report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
        assert [(e.sheet, e.line) for e in report.errors] == [("prosedur", 2)]
        assert "Camat menandatangani dan menerbitkan dokumen" in str(report.errors[0])
        assert not ServicePage.objects.exists()

    def test_one_transition_on_two_steps_is_refused(self, example):
        example["prosedur"][1][self.COLUMN] = example["prosedur"][0][self.COLUMN]
        report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
        assert [(e.sheet, e.line) for e in report.errors] == [("layanan", 2)]
        assert "Satu transisi hanya mencatat satu langkah" in str(report.errors[0])
        assert not ServicePage.objects.exists()

    def test_an_older_file_without_the_column_keeps_the_steps_transitions(self, example, admins):
        import_approved(example, admins)
        for row in example["prosedur"]:
            del row[self.COLUMN]
        example["prosedur"][0]["uraian"] = "Berkas diterima petugas."
        book = catalog_workbook_read(content=workbook(example))
        book["prosedur"] = book["prosedur"].subset(
            cols=[h for h in book["prosedur"].headers if h != self.COLUMN]
        )
        report = import_approved_datasets(book, admins)
        assert report.errors == [] and report.submitted == ["skd"]
        steps = ServicePage.objects.get(code="skd").procedure_steps.all()
        assert [s.recorded_by for s in steps] == ["pendaftaran", "tanda_tangan"]
        assert steps[0].description == "Berkas diterima petugas."


def import_approved_datasets(datasets, admins):
    report = catalog_import(datasets=datasets, user=admins[0])
    approve_all(admins[1])
    return report


def snapshot() -> dict[str, list[dict]]:
    """The whole catalog as the workbook writes it, sheet by sheet (rows sorted)."""
    return {
        sheet: sorted(dataset.dict, key=lambda row: [str(v) for v in row.values()])
        for sheet, dataset in catalog_workbook_read(content=catalog_workbook_export()).items()
    }


def catalog_delete() -> None:
    ServicePage.objects.all().delete()
    DelegatedAuthority.objects.all().delete()
    ServiceCategory.objects.all().delete()
    LegalInstrument.objects.all().delete()


class TestLabelsNotKeys:
    """Every choice column of the workbook reads and writes the label an admin sees in
    the editor, in Indonesian; the stored keys of older files are still read."""

    def test_export_then_import_gives_the_same_catalog(self, example, admins):
        example["persyaratan"][0].update(bentuk="Berkas digital saja", jenis_berkas="PDF;JPEG")
        import_approved(example, admins)
        before = snapshot()
        service = before["layanan"][0]
        assert (service["bidang"], service["satuan_waktu"], service["biaya"]) == (
            "Non-perizinan",
            "hari kerja",
            "Gratis",
        )
        assert service["dihitung_sejak_lengkap"] == "Ya"
        assert {(d["bentuk"], d["jenis_berkas"]) for d in before["persyaratan"]} == {
            ("Berkas digital saja", "PDF;JPEG"),
            ("Asli", None),
        }
        assert {s["pelaksana"] for s in before["prosedur"]} == {"Pemohon", "Camat"}
        assert sorted(i["jenis"] for i in before["instrumen_hukum"]) == [
            "Peraturan Wali Kota",
            "Undang-Undang",
        ]

        exported = catalog_workbook_read(content=catalog_workbook_export())
        catalog_delete()
        assert counts() == (0, 0, 0, 0, 0)
        report = import_approved_datasets(exported, admins)
        assert report.errors == [] and report.submitted == ["skd"]
        assert snapshot() == before

    def test_a_file_exported_in_english_imports_as_it_is(self, example, admins):
        import_approved(example, admins)
        with translation.override("en"):
            exported = catalog_workbook_read(content=catalog_workbook_export())
        assert exported["layanan"].dict[0]["satuan_waktu"] == "working days"
        assert exported["prosedur"].dict[0]["pelaksana"] == "Applicant"
        report = catalog_import(datasets=exported)
        assert report.errors == [] and report.submitted == []

    def test_the_export_has_a_dropdown_of_labels_on_each_choice_column(self):
        book = openpyxl.load_workbook(BytesIO(catalog_workbook_export(example=True)))
        assert book["pilihan"].sheet_state == "hidden"
        sheet = book["layanan"]
        headers = [cell.value for cell in sheet[1]]
        lists = {}
        for validation in sheet.data_validations.dataValidation:
            column = str(validation.sqref).split(":")[0].rstrip("0123456789")
            header = headers[openpyxl.utils.column_index_from_string(column) - 1]
            cells = book["pilihan"][validation.formula1.split("!")[1].replace("$", "")]
            lists[header] = [row[0].value for row in cells]
        assert lists == {
            "bidang": ["Perizinan", "Non-perizinan"],
            "satuan_waktu": ["menit", "jam", "hari kerja", "hari kalender"],
            "dihitung_sejak_lengkap": ["Ya", "Tidak"],
            "biaya": ["Gratis", "Tarif tetap", "Rumus / retribusi sesuai peraturan"],
        }
        # the hidden sheet is not a catalog sheet: the file imports as it is
        assert "pilihan" not in catalog_workbook_read(content=catalog_workbook_export())

    # (sheet, row, column, label as typed, older key, what is stored for both)
    CASES = [
        ("instrumen_hukum", 1, "jenis", " peraturan  WALI kota", "perwal", "perwal"),
        ("instrumen_hukum", 1, "status", "BERLAKU ", "berlaku", "berlaku"),
        ("kewenangan", 0, "bidang", "non-PERIZINAN", "non_perizinan", "non_perizinan"),
        ("kewenangan", 0, "dicabut", "TIDAK", "false", False),
        ("layanan", 0, "bidang", "Non-perizinan", "non_perizinan", "non_perizinan"),
        ("layanan", 0, "satuan_waktu", "Hari  Kalender", "calendar_days", "calendar_days"),
        ("layanan", 0, "biaya", "rumus / retribusi sesuai peraturan", "formula", "formula"),
        ("layanan", 0, "dihitung_sejak_lengkap", "tidak", "false", False),
        ("persyaratan", 0, "bentuk", "asli dan FOTOKOPI", "asli_fotokopi", "asli_fotokopi"),
        ("persyaratan", 1, "wajib", "Ya", "true", True),
        ("persyaratan", 0, "jenis_berkas", "pdf ; Jpeg", "pdf;jpg", ["pdf", "jpg"]),
        ("prosedur", 0, "pelaksana", "petugas LOKET", "loket", "loket"),
        ("prosedur", 1, "satuan_waktu", "Menit", "minutes", "minutes"),
    ]

    @staticmethod
    def _prepare(example, sheet, column):
        """Rows around the case that the value needs to make sense."""
        if (sheet, column) == ("layanan", "biaya"):
            example["layanan"][0].update(
                keterangan_biaya="Sesuai Perda", dasar_biaya="perwal/12/2020"
            )
        if column == "jenis_berkas":
            example["persyaratan"][0]["bentuk"] = "Berkas digital saja"
        if (sheet, column) == ("persyaratan", "wajib"):
            example["persyaratan"][1]["syarat"] = ""

    @staticmethod
    def _stored(sheet, row, column):
        attribute = {
            "jenis": "kind",
            "bidang": "field",
            "dicabut": "revoked",
            "satuan_waktu": "duration_unit",
            "biaya": "fee_kind",
            "dihitung_sejak_lengkap": "clock_starts_when_complete",
            "bentuk": "form",
            "wajib": "is_mandatory",
            "jenis_berkas": "accepted_file_types",
            "pelaksana": "role",
        }.get(column, column)
        service = ServicePage.objects.filter(code="skd").first()
        obj = {
            "instrumen_hukum": lambda: LegalInstrument.objects.order_by("year")[row],
            "kewenangan": lambda: DelegatedAuthority.objects.get(),
            "layanan": lambda: service,
            "persyaratan": lambda: service.required_documents.order_by("sort_order")[row],
            "prosedur": lambda: service.procedure_steps.order_by("sort_order")[row],
        }[sheet]()
        return getattr(obj, attribute)

    @pytest.mark.parametrize(
        ("sheet", "row", "column", "label", "key", "stored"), CASES, ids=lambda v: str(v)
    )
    @pytest.mark.parametrize("written_as", ["label", "key"])
    def test_label_and_older_key_are_read(
        self, example, admins, sheet, row, column, label, key, stored, written_as
    ):
        self._prepare(example, sheet, column)
        example[sheet][row][column] = label if written_as == "label" else key
        report = import_approved(example, admins)
        assert report.errors == []
        assert self._stored(sheet, row, column) == stored

    @pytest.mark.parametrize(
        ("sheet", "row", "column", "label", "key", "stored"), CASES, ids=lambda v: str(v)
    )
    def test_an_unknown_value_is_refused_naming_row_column_and_labels(
        self, example, sheet, row, column, label, key, stored
    ):
        self._prepare(example, sheet, column)
        example[sheet][row][column] = "entah"
        report = catalog_import(datasets=catalog_workbook_read(content=workbook(example)))
        # rows that refer to the refused one are listed as well
        errors = {(e.sheet, e.line): str(e) for e in report.errors}
        message = errors[(sheet, row + 2)]
        assert f"Kolom “{column}”" in message
        assert "“entah”" in message
        widget = {f.column_name: f.widget for f in RESOURCE_BY_SHEET[sheet]().fields.values()}[
            column
        ]
        labels = widget.labels() if hasattr(widget, "labels") else widget.choice.labels()
        assert all(label.lower() in message.lower() for label in labels)
        assert counts() == (0, 0, 0, 0, 0)


class TestImportKeepsAnEditorsDraft:
    """A service with a draft that its editor saved and never submitted is refused by
    the import (dry run too): submitting the imported version would bury the draft."""

    @pytest.fixture
    def drafted(self, example, admins):
        import_approved(example, admins)
        editor = staff_create(
            username="penyusun",
            password="x",
            roles=[Role.PENYUSUN_STANDAR],
            first_name="Rina",
            last_name="Wati",
        )
        service = ServicePage.objects.get(code="skd")
        service.summary = "Ringkasan yang sedang disusun."
        draft = service.save_revision(user=editor)
        example["layanan"][0]["ringkasan"] = "Ringkasan dari impor."
        return draft

    @pytest.mark.parametrize("dry_run", [True, False])
    def test_refused_naming_service_author_and_date(self, example, admins, drafted, dry_run):
        report = catalog_import(
            datasets=catalog_workbook_read(content=workbook(example)),
            user=admins[0],
            dry_run=dry_run,
        )
        assert [(e.sheet, e.line) for e in report.errors] == [("layanan", 2)]
        message = str(report.errors[0])
        assert "“Surat keterangan domisili” (skd)" in message
        assert "Rina Wati" in message
        assert long_date(drafted.created_at) in message
        assert "belum dikirim untuk persetujuan" in message
        assert report.submitted == []
        service = ServicePage.objects.get(code="skd")
        assert service.latest_revision_id == drafted.pk
        assert not service.workflow_in_progress
        assert service.get_latest_revision_as_object().summary == "Ringkasan yang sedang disusun."

    def test_a_change_on_a_step_sheet_alone_is_refused_too(self, example, admins, drafted):
        example["prosedur"][0]["uraian"] = "Berkas diterima petugas."
        sheets = catalog_workbook_read(content=workbook(example))
        del sheets["layanan"]
        report = catalog_import(datasets=sheets, user=admins[0])
        assert [e.sheet for e in report.errors] == ["layanan"]
        assert "Rina Wati" in str(report.errors[0])
        assert ServicePage.objects.get(code="skd").latest_revision_id == drafted.pk

    def test_a_submitted_and_approved_draft_no_longer_blocks(self, example, admins, drafted):
        service = ServicePage.objects.get(code="skd")
        service.get_workflow().start(service, drafted.user)
        service_approve(service=service, user=admins[1])
        report = import_approved(example, admins)
        assert report.errors == [] and report.submitted == ["skd"]
        assert ServicePage.objects.get(code="skd").summary == "Ringkasan dari impor."


class TestNoKeysToInvent:
    """A row may name what the editor names: a document without a typed key gets
    one from its name, as in the editor, and a category may be given by its name."""

    def test_documents_without_a_key_get_one_from_their_name_and_keep_it(self, example, admins):
        for row in example["persyaratan"]:
            row["kunci"] = ""
        report = import_approved(example, admins)
        assert report.errors == []
        documents = ServicePage.objects.get(code="skd").required_documents.order_by("sort_order")
        assert [d.key for d in documents] == ["surat_pengantar_kelurahan", "surat_kuasa"]

        example["persyaratan"][1]["nama"] = "SURAT KUASA"
        example["persyaratan"].append(
            {"layanan": "skd", "urutan": 3, "nama": "Surat kuasa", "bentuk": "Fotokopi"}
        )
        report = import_approved(example, admins)
        assert report.errors == [] and report.submitted == ["skd"]
        documents = ServicePage.objects.get(code="skd").required_documents.order_by("sort_order")
        assert [(d.name, d.key) for d in documents] == [
            ("Surat pengantar kelurahan", "surat_pengantar_kelurahan"),
            ("SURAT KUASA", "surat_kuasa"),
            ("Surat kuasa", "surat_kuasa_2"),
        ]

    def test_a_category_is_found_by_its_name(self, example, admins):
        example["layanan"][0]["kategori"] = "  surat KETERANGAN"
        assert import_approved(example, admins).errors == []
        assert ServicePage.objects.get(code="skd").category.slug == "keterangan"
