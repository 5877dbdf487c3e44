from pathlib import Path

from django.db import transaction

import tablib

from paten.admin_import import ImportSummary, dataset_load, import_summary_from_result

from .resources import RegionResource
from .signals import regions_imported

# The Kemendagri list shipped with the code (licence: data/LICENSE-wilayah.txt).
NATIONAL_FILE = Path(__file__).resolve().parent / "data" / "wilayah_kemendagri_2025.csv"


def regions_import(
    *,
    path: Path | str | None = None,
    content: bytes | None = None,
    filename: str = "regions.csv",
    dataset: tablib.Dataset | None = None,
    under: str | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import Kemendagri regions (columns ``kode,nama``) from a file or a dataset.

    Give exactly one of ``path``, ``content`` (the bytes of ``filename``, CSV or
    XLSX) or ``dataset``. With ``under`` (a code such as ``"64.74"``) only that
    region, its ancestors and everything below it are imported. Idempotent: new
    codes are created, renamed ones updated and the rest skipped. All or nothing:
    when any row has an error the transaction is rolled back and the summary lists
    the errors by line in the file.
    """
    if sum(x is not None for x in (path, content, dataset)) != 1:
        raise TypeError("regions_import() needs exactly one of path, content or dataset")
    if path is not None:
        path = Path(path)
        dataset = dataset_load(content=path.read_bytes(), filename=path.name)
    elif content is not None:
        dataset = dataset_load(content=content, filename=filename)
    resource = RegionResource(under=under)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    if not dry_run and not result.has_errors() and not result.has_validation_errors():
        transaction.on_commit(lambda: regions_imported.send(sender=RegionResource))
    return import_summary_from_result(result, dry_run=dry_run, line_for=resource.line_for)
