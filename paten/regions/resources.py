"""django-import-export resource for the Kemendagri region list (columns ``kode,nama``).

Built for the 91,599-row national file: the codes already in the database are read
once in ``before_import`` (no query per row), the parent, level and kind are derived
from the code, new rows are bulk-created, renamed rows bulk-updated and unchanged rows
skipped. Row problems are validation errors with Indonesian messages; the caller
passes ``rollback_on_validation_errors=True`` (``paten.regions.services``) so that
nothing is written when any row is wrong.
"""

from functools import partial

from django.core.exceptions import ValidationError

from import_export import fields, resources, widgets

from paten.admin_import import field_errors_of
from paten.tabular import CellSafeResourceMixin

from .constants import CODE_RE, kind_for, parent_code_for
from .models import Region

HEADERS = ("kode", "nama")


def in_subtree(code: str, under: str) -> bool:
    """Whether ``code`` is ``under``, one of its ancestors, or below it."""
    return code == under or code.startswith(f"{under}.") or under.startswith(f"{code}.")


class RegionResource(CellSafeResourceMixin, resources.ModelResource):
    code = fields.Field(attribute="code", column_name="kode", widget=widgets.CharWidget())
    name = fields.Field(attribute="name", column_name="nama", widget=widgets.CharWidget())

    class Meta:
        model = Region
        fields = ("code", "name")
        import_id_fields = ("code",)
        # Speed (measured in `make bench`): no per-row lookups or diffs; the existing
        # rows come from one query in before_import().
        use_bulk = True
        batch_size = 2000
        force_init_instance = True
        skip_diff = True
        skip_html_diff = True

    def __init__(self, *, under: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.under = (under or "").strip() or None
        self.existing: dict[str, str] = {}
        self.seen: dict[str, int] = {}
        # 1-based row number in the (possibly filtered) dataset -> line in the file.
        self.line_numbers: list[int] = []

    # -- whole-file checks --------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        headers = [str(h or "").strip().lstrip("\ufeff").lower() for h in dataset.headers or []]
        if tuple(headers) != HEADERS:
            found = ",".join(headers) or "-"
            dataset.wipe()
            raise ValueError(
                f"Kolom berkas harus tepat “kode,nama” (baris judul); ditemukan “{found}”."
            )
        dataset.headers = headers
        self.line_numbers = list(range(2, len(dataset) + 2))
        if self.under:
            self._keep_subtree(dataset)
        self.existing = dict(Region.objects.values_list("code", "name"))
        self.seen = {}

    def _keep_subtree(self, dataset) -> None:
        kept, lines = [], []
        for line, row in zip(self.line_numbers, dataset, strict=True):
            code = str(row[0] or "").strip()
            # A malformed code is kept so that it is reported, not silently dropped.
            if not CODE_RE.match(code) or in_subtree(code, self.under):
                kept.append(row)
                lines.append(line)
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in kept:
            dataset.append(row)
        self.line_numbers = lines

    def line_for(self, row_number: int | None) -> int | None:
        if row_number is None or not 0 < row_number <= len(self.line_numbers):
            return None
        return self.line_numbers[row_number - 1]

    # -- per row ------------------------------------------------------------------

    def get_or_init_instance(self, instance_loader, row):
        code = str(row.get("kode") or "").strip()
        instance = Region(code=code)
        if code in self.existing:
            instance.name = self.existing[code]
            instance._state.adding = False
            return instance, False
        return instance, True

    def import_instance(self, instance, row, **kwargs):
        errors = field_errors_of(partial(super().import_instance, instance, row, **kwargs))
        code = instance.code = (instance.code or "").strip()
        instance.name = " ".join((instance.name or "").split())
        line = self.line_for(kwargs.get("row_number"))
        if not CODE_RE.match(code):
            errors.setdefault("code", []).append(
                f"Kode “{code}” tidak sesuai format Kemendagri "
                "(NN, NN.NN, NN.NN.NN atau NN.NN.NN.NNNN, mis. 64.74.03.1002)."
            )
        else:
            parent = parent_code_for(code)
            if code in self.seen:
                errors.setdefault("code", []).append(
                    f"Kode {code} sudah ada di baris {self.seen[code]} berkas ini."
                )
            elif parent and parent not in self.existing and parent not in self.seen:
                errors.setdefault("code", []).append(
                    f"Wilayah induk {parent} untuk kode {code} tidak ditemukan, baik di "
                    "basis data maupun di baris sebelumnya dalam berkas."
                )
            self.seen.setdefault(code, line)
            instance.parent_id = parent
            instance.level = code.count(".") + 1
            if instance.name:
                instance.kind = kind_for(code, instance.name)
        if not instance.name:
            errors.setdefault("name", []).append("Nama wilayah tidak boleh kosong.")
        elif len(instance.name) > Region._meta.get_field("name").max_length:
            errors.setdefault("name", []).append("Nama wilayah lebih dari 100 karakter.")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return self.existing.get(instance.code) == instance.name

    def get_bulk_update_fields(self):
        # The kind of a kabupaten/kota follows its name ("Kota …").
        return ["name", "kind"]

    def after_import(self, dataset, result, **kwargs):
        # ModelResource.after_import resets sequences; the key here is the code.
        pass
