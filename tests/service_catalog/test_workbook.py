"""Catalog resources and the XLSX catalog import (command and service)."""

import copy
from io import BytesIO, StringIO

from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

import openpyxl
import pytest
import tablib

from paten.accounts.constants import Role
from paten.accounts.services import roles_sync_permissions, staff_create
from service_catalog.models import (
    DelegatedAuthority,
    LegalInstrument,
    ProcedureStep,
    ServiceCategory,
    ServicePage,
)
from service_catalog.resources import (
    CATALOG_RESOURCES,
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
        example["prosedur"][0][self.COLUMN] = "tanda_tangan"
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
