"""django-import-export resource of survey responses: paper questionnaires in, a scoped export out.

Import (one row per respondent; CSV or XLSX): ``kecamatan`` (Kemendagri code),
``layanan`` (service code, optional), ``tanggal`` (dd-mm-yyyy or ISO), ``nomor`` (paper
number, optional), one column per unsur named by its key (``persyaratan`` … ``pengaduan``)
or by its questionnaire number ``U1`` … ``U9`` (U8 = sarana, U9 = pengaduan: the
questionnaire order, not the order of the regulation body; docs/domain/skm-ikm.md, the nine unsur), the profile
(``jenis_kelamin`` L/P, ``umur``, ``pendidikan``, ``pekerjaan``, ``pekerjaan_lainnya``)
and ``saran``. Each row goes through ``survey_response_submit`` (channel ``impor``,
``entered_by`` the importing user, no audit event per row); the import is all or nothing
and records ONE audit event with the row count and the file's SHA-256.

Export: the responses the user may see (``kecamatan_scope_for``), without the suggestion
text: free text may name people, so it stays in the admin.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

import tablib
from import_export import fields, resources, widgets
from import_export.results import RowResult

from paten.accounts.selectors import kecamatan_scope_for
from paten.audit.services import audit_record
from paten.regions.constants import RegionLevel
from paten.regions.models import Region
from paten.tabular import CellSafeResourceMixin
from reporting.models import SurveyResponse
from reporting.survey.constants import (
    ANSWER_FIELDS,
    MAX_AGE,
    MIN_AGE,
    Education,
    Gender,
    Occupation,
    SurveyChannel,
)
from reporting.survey.ikm import MAX_ANSWER, MIN_ANSWER, UNSUR, UNSUR_KEYS
from reporting.survey.services import survey_response_submit, survey_version_current
from service_catalog.models import ServicePage

IMPORT_ACTION = "survey.responses_imported"

KECAMATAN = "kecamatan"
LAYANAN = "layanan"
TANGGAL = "tanggal"
NOMOR = "nomor"
JENIS_KELAMIN = "jenis_kelamin"
UMUR = "umur"
PENDIDIKAN = "pendidikan"
PEKERJAAN = "pekerjaan"
PEKERJAAN_LAINNYA = "pekerjaan_lainnya"
SARAN = "saran"

#: Columns of the import template, in order.
IMPORT_HEADERS: tuple[str, ...] = (
    KECAMATAN,
    LAYANAN,
    TANGGAL,
    NOMOR,
    *UNSUR_KEYS,
    JENIS_KELAMIN,
    UMUR,
    PENDIDIKAN,
    PEKERJAAN,
    PEKERJAAN_LAINNYA,
    SARAN,
)

# Other spellings seen on pemda processing sheets.
HEADER_ALIASES = {
    "kode_kecamatan": KECAMATAN,
    "kode_layanan": LAYANAN,
    "jenis_layanan": LAYANAN,
    "tanggal_survei": TANGGAL,
    "tgl": TANGGAL,
    "no": NOMOR,
    "nomor_kuesioner": NOMOR,
    "no_kuesioner": NOMOR,
    "jk": JENIS_KELAMIN,
    "usia": UMUR,
    "saran_masukan": SARAN,
}

DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")

GENDER_WORDS = {"l": Gender.MALE, "laki-laki": Gender.MALE, "laki laki": Gender.MALE}
GENDER_WORDS |= {"p": Gender.FEMALE, "perempuan": Gender.FEMALE, "wanita": Gender.FEMALE}
EDUCATION_WORDS = {
    "sd ke bawah": Education.SD,
    "sltp": Education.SMP,
    "smk": Education.SMA,
    "sma/smk": Education.SMA,
    "slta": Education.SMA,
    **{f"d{n}": Education.DIPLOMA for n in range(1, 5)},
}
OCCUPATION_WORDS = {"asn": Occupation.PNS, "pns/asn": Occupation.PNS}


#: Numbers stay numbers in the exported XLSX (answers, age), so a spreadsheet can sum them.
NUMBER = widgets.IntegerWidget(coerce_to_string=False)


class ImportHeaderError(ValueError):
    """The header row cannot be read; no row is imported."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_key(header) -> str:
    return re.sub(r"[\s\-]+", "_", _text(header).lower())


def _unsur_from_number(header: str) -> str | None:
    """``u8`` → ``sarana``; ``u8_sarana`` too, but ``u8_pengaduan`` is refused."""
    match = re.fullmatch(r"u([1-9])(?:[_.]+(.+))?", header)
    if not match:
        return None
    key = UNSUR_KEYS[int(match.group(1)) - 1]
    rest = match.group(2)
    if rest and rest != key and rest != _header_key(UNSUR[key].name):
        raise ImportHeaderError(
            _(
                "Column “%(header)s”: U%(number)s is “%(unsur)s” on the questionnaire "
                "(U8 = sarana, U9 = pengaduan). Rename the column to “%(key)s”."
            )
            % {
                "header": header,
                "number": match.group(1),
                "unsur": UNSUR[key].name,
                "key": key,
            }
        )
    return key


def canonical_headers(headers) -> list[str]:
    """The dataset's headers renamed to the template's columns; raises ImportHeaderError."""
    known = set(IMPORT_HEADERS)
    names = [_header_key(header) for header in headers or ()]
    canonical, problems = [], []
    for raw, name in zip(headers or (), names, strict=True):
        try:
            key = _unsur_from_number(name)
        except ImportHeaderError as error:
            problems.append(str(error))
            key = None
        canonical.append(key or HEADER_ALIASES.get(name, name))
        if key is None and canonical[-1] not in known and name:
            problems.append(
                _("Unknown column “%(header)s”: remove it or use a template column.")
                % {"header": _text(raw)}
            )
    seen = set()
    for name in canonical:
        if name in known and name in seen:
            problems.append(_("Column “%(header)s” appears twice.") % {"header": name})
        seen.add(name)
    missing_unsur = [
        f"U{UNSUR[key].questionnaire_number} {key}" for key in UNSUR_KEYS if key not in seen
    ]
    if missing_unsur:
        problems.append(
            _("Every unsur needs its column; missing: %(columns)s.")
            % {"columns": ", ".join(missing_unsur)}
        )
    missing = [name for name in (KECAMATAN, TANGGAL) if name not in seen]
    if missing:
        problems.append(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    if problems:
        raise ImportHeaderError(" ".join(problems))
    return canonical


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date; write it as dd-mm-yyyy (e.g. 31-01-2026).")
        % {"value": text or "-"}
    )


def _choice(value, words: dict) -> str:
    text = _text(value).lower()
    return words.get(text, text)


class SurveyResponseResource(CellSafeResourceMixin, resources.ModelResource):
    """Import of paper questionnaires and the default export of responses.

    ``user`` scopes both: rows outside ``kecamatan_scope_for(user)`` are neither
    imported nor exported.
    """

    id = fields.Field("id", "id", readonly=True, widget=NUMBER)
    tanggal = fields.Field("answered_on", TANGGAL)
    kecamatan = fields.Field("kecamatan_id", KECAMATAN)
    layanan = fields.Field(column_name=LAYANAN)
    kanal = fields.Field("channel", "kanal")
    nomor = fields.Field("paper_reference", NOMOR)
    versi = fields.Field(column_name="versi", widget=NUMBER)
    persyaratan = fields.Field(ANSWER_FIELDS["persyaratan"], "persyaratan", widget=NUMBER)
    prosedur = fields.Field(ANSWER_FIELDS["prosedur"], "prosedur", widget=NUMBER)
    waktu = fields.Field(ANSWER_FIELDS["waktu"], "waktu", widget=NUMBER)
    biaya = fields.Field(ANSWER_FIELDS["biaya"], "biaya", widget=NUMBER)
    produk = fields.Field(ANSWER_FIELDS["produk"], "produk", widget=NUMBER)
    kompetensi = fields.Field(ANSWER_FIELDS["kompetensi"], "kompetensi", widget=NUMBER)
    perilaku = fields.Field(ANSWER_FIELDS["perilaku"], "perilaku", widget=NUMBER)
    sarana = fields.Field(ANSWER_FIELDS["sarana"], "sarana", widget=NUMBER)
    pengaduan = fields.Field(ANSWER_FIELDS["pengaduan"], "pengaduan", widget=NUMBER)
    jenis_kelamin = fields.Field("gender", JENIS_KELAMIN)
    umur = fields.Field("age", UMUR, widget=NUMBER)
    pendidikan = fields.Field("education", PENDIDIKAN)
    pekerjaan = fields.Field("occupation", PEKERJAAN)
    pekerjaan_lainnya = fields.Field("occupation_other", PEKERJAAN_LAINNYA)

    class Meta:
        model = SurveyResponse
        # No ``suggestion``: the free text stays in the admin.
        fields = (
            "id",
            "tanggal",
            "kecamatan",
            "layanan",
            "kanal",
            "nomor",
            "versi",
            *UNSUR_KEYS,
            "jenis_kelamin",
            "umur",
            "pendidikan",
            "pekerjaan",
            "pekerjaan_lainnya",
        )
        export_order = fields
        skip_diff = True
        use_transactions = True

    def __init__(self, *, user=None, file_sha256: str = "", file_name: str = "", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.file_sha256 = file_sha256
        self.file_name = file_name
        self.kecamatan_by_code: dict[str, Region] = {}
        self.service_by_code: dict[str, ServicePage] = {}
        self.imported_kecamatan: set[str] = set()
        self.version = None  # the questionnaire version, resolved once per file

    # -- export --------------------------------------------------------------------

    def scoped(self, queryset):
        return kecamatan_scope_for(self.user).filter(queryset)

    def get_queryset(self):
        return self.scoped(SurveyResponse.objects.select_related("service", "version"))

    def export(self, queryset=None, **kwargs):
        """Always within the user's scope, whatever queryset the caller passes."""
        queryset = self.get_queryset() if queryset is None else self.scoped(queryset)
        return super().export(queryset=queryset, **kwargs)

    def dehydrate_layanan(self, response):
        return response.service.code if response.service_id else ""

    def dehydrate_versi(self, response):
        return response.version.number

    def dehydrate_tanggal(self, response):
        return response.answered_on.isoformat()

    # -- import --------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        try:
            dataset.headers = canonical_headers(dataset.headers)
        except ImportHeaderError:
            # Nothing row by row: the file is refused as a whole.
            del dataset[0 : len(dataset)]
            raise
        codes = {_text(code) for code in dataset[KECAMATAN]} - {""}
        self.kecamatan_by_code = {
            region.code: region
            for region in Region.objects.filter(code__in=codes, level=RegionLevel.KECAMATAN)
        }
        if LAYANAN in dataset.headers:
            services = {_text(code) for code in dataset[LAYANAN]} - {""}
            self.service_by_code = {
                service.code: service for service in ServicePage.objects.filter(code__in=services)
            }

    def import_row(self, row, instance_loader, **kwargs):
        if not any(_text(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        return None  # every row is a new questionnaire; an "id" column never updates one

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}

        def error(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        code = _text(row.get(KECAMATAN))
        kecamatan = self.kecamatan_by_code.get(code)
        if not code:
            error(KECAMATAN, _("The kecamatan code is empty."))
        elif kecamatan is None:
            error(KECAMATAN, _("Kecamatan “%(code)s” does not exist.") % {"code": code})
        elif not kecamatan_scope_for(self.user).allows(code):
            error(
                KECAMATAN,
                _("Kecamatan %(name)s is outside your area: you cannot import its responses.")
                % {"name": kecamatan},
            )

        service = None
        service_code = _text(row.get(LAYANAN))
        if service_code:
            service = self.service_by_code.get(service_code)
            if service is None:
                error(LAYANAN, _("Service “%(code)s” does not exist.") % {"code": service_code})

        answered_on = None
        if not _text(row.get(TANGGAL)):
            error(TANGGAL, _("The survey date is empty."))
        else:
            try:
                answered_on = parse_date(row.get(TANGGAL))
            except ValueError as exc:
                error(TANGGAL, str(exc))
            else:
                if answered_on > timezone.localdate():
                    error(
                        TANGGAL,
                        _("The survey date %(date)s is in the future.")
                        % {"date": answered_on.strftime("%d-%m-%Y")},
                    )

        answers = {}
        for key in UNSUR_KEYS:
            value = _text(row.get(key))
            label = f"U{UNSUR[key].questionnaire_number} {UNSUR[key].name}"
            if not value:
                error(key, _("No answer for %(unsur)s.") % {"unsur": label})
            elif value not in {str(n) for n in range(MIN_ANSWER, MAX_ANSWER + 1)}:
                error(
                    key,
                    _("The answer for %(unsur)s must be 1, 2, 3 or 4 (got “%(value)s”).")
                    % {"unsur": label, "value": value},
                )
            else:
                answers[key] = int(value)

        occupation = _choice(row.get(PEKERJAAN), OCCUPATION_WORDS)
        occupation_other = _text(row.get(PEKERJAAN_LAINNYA))
        if occupation and occupation not in Occupation.values:
            # "Lainnya (sebutkan)": a free answer such as "petani" is kept as written.
            occupation, occupation_other = Occupation.LAINNYA, _text(row.get(PEKERJAAN))
        gender = _text(row.get(JENIS_KELAMIN)).lower()
        instance._submission = {
            "answers": answers,
            "kecamatan": kecamatan,
            "service": service,
            "answered_on": answered_on,
            "paper_reference": _text(row.get(NOMOR)),
            "profile": {
                "gender": GENDER_WORDS.get(gender, gender.upper()),
                "age": _text(row.get(UMUR)),
                "education": _choice(row.get(PENDIDIKAN), EDUCATION_WORDS),
                "occupation": occupation,
                "occupation_other": occupation_other,
            },
            "suggestion": _text(row.get(SARAN)),
        }
        instance.kecamatan_id = code
        instance.answered_on = answered_on
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        if self.version is None:
            self.version = survey_version_current()
        response = survey_response_submit(
            **instance._submission,
            version=self.version,
            channel=SurveyChannel.IMPORT,
            entered_by=self.user,
            audit=False,  # one event for the whole file, in after_import
        )
        instance.pk = response.pk
        self.imported_kecamatan.add(response.kecamatan_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return  # the whole import is rolled back: nothing to record
        count = result.totals[RowResult.IMPORT_TYPE_NEW]
        if not count:
            return
        codes = sorted(self.imported_kecamatan)
        audit_record(
            actor=self.user,
            action=IMPORT_ACTION,
            kecamatan=codes[0] if len(codes) == 1 else None,
            payload={
                "count": count,
                "sha256": self.file_sha256,
                "file": self.file_name,
                "kecamatan": codes,
            },
        )


def import_column_notes() -> list[tuple[str, str]]:
    """(column, what to write) for every template column, shown on the import page."""
    notes = [
        (KECAMATAN, _("Kemendagri code of the kecamatan, e.g. 64.74.01 (required).")),
        (LAYANAN, _("Service code from the catalog (optional).")),
        (TANGGAL, _("Survey date, dd-mm-yyyy (required, not in the future).")),
        (NOMOR, _("Number written on the paper questionnaire (optional).")),
    ]
    for key in UNSUR_KEYS:
        notes.append(
            (
                key,
                _("U%(number)s %(unsur)s: answer 1, 2, 3 or 4 (required).")
                % {"number": UNSUR[key].questionnaire_number, "unsur": UNSUR[key].name},
            )
        )
    return [
        *notes,
        (JENIS_KELAMIN, "L / P"),
        (UMUR, _("Age in years (%(low)s–%(high)s).") % {"low": MIN_AGE, "high": MAX_AGE}),
        (PENDIDIKAN, ", ".join(Education.values)),
        (PEKERJAAN, ", ".join(Occupation.values)),
        (PEKERJAAN_LAINNYA, _("Occupation when “lainnya”.")),
        (SARAN, _("Suggestions (seen by staff only).")),
    ]


def import_template(file_format: str = "xlsx") -> bytes | str:
    """An empty import file with the template's header row.

    One sheet only: the import reads the workbook's active sheet, so a second
    (instructions) sheet left active would be imported instead.
    """
    rows = tablib.Dataset(headers=list(IMPORT_HEADERS), title="kuesioner")
    return rows.export("csv" if file_format == "csv" else "xlsx")
