"""Writes of the kecamatan evaluation: checking an instrument, closing a
period (computed values frozen with a hash), evidence, verification and corrections.

Every refusal is an ``EvaluationError`` with an Indonesian message; every change of a
value after it was entered is an event in the audit chain.
"""

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from forms_builder.validators import validate_upload
from paten.accounts.constants import Role
from paten.accounts.selectors import kecamatan_scope_for, roles_of
from paten.audit.services import audit_record
from reporting.evaluation.metrics import metric_compute
from reporting.evaluation.permissions import REPORTER_ROLES, VERIFIER_ROLES
from reporting.evaluation.rules import EvaluationError, decimal_of, indicator_rule
from reporting.evaluation.scoring import (
    Rule,
    ScoringError,
    weights_problem,
)
from reporting.models import (
    EvaluationIndicator,
    EvaluationInstrument,
    EvaluationPeriod,
    Evidence,
    IndicatorValue,
    Metric,
    Source,
)

#: Evidence extensions and the content type they must sniff as (forms_builder.validators).
EVIDENCE_EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
VALUE_PLACES = Decimal("0.0001")  # IndicatorValue.value has four decimals


def _evidence_types(indicator: EvaluationIndicator) -> set[str]:
    return {t.strip().lower().lstrip(".") for t in indicator.evidence_types.split(",") if t.strip()}


def indicator_problems(indicator: EvaluationIndicator) -> list[tuple[str | None, str]]:
    """What keeps one indicator from scoring, as ``(field, message)`` pairs: a rule
    that cannot score (no thresholds, a linear rule without a target, ...), a computed
    indicator without a metric, an evidence indicator with one, or evidence of a file
    type the platform cannot check. Works on an unsaved indicator (the admin form)."""
    problems: list[tuple[str | None, str]] = []
    label = f"Indikator {indicator.code}"
    try:
        rule = indicator_rule(indicator)
    except EvaluationError as e:
        problems.extend(("thresholds", message) for message in e.messages)
    else:
        try:
            rule.check()
        except ScoringError as e:
            field = "target" if rule.rule == Rule.LINEAR else "thresholds"
            problems.append((field, f"{label}: {e}"))
    if indicator.source == Source.COMPUTED:
        if indicator.metric not in Metric.values:
            problems.append(("metric", f"{label} dihitung dari data tetapi belum memilih metrik."))
    elif indicator.source == Source.EVIDENCE:
        if indicator.metric:
            problems.append(("metric", f"{label} berbasis bukti dan tidak boleh memakai metrik."))
        types = _evidence_types(indicator)
        unknown = sorted(types - set(EVIDENCE_EXTENSIONS))
        if not types:
            problems.append(("evidence_types", f"{label}: jenis berkas bukti belum diisi."))
        elif unknown:
            problems.append(
                (
                    "evidence_types",
                    f"{label}: jenis berkas bukti tidak dikenal: {', '.join(unknown)} "
                    "(yang dapat diperiksa: pdf, jpg, jpeg, png).",
                )
            )
    else:
        problems.append(("source", f"{label}: sumber nilai tidak dikenal."))
    return problems


def instrument_validate(*, instrument: EvaluationInstrument) -> None:
    """Refuse an instrument that cannot score: no aspect, an aspect without indicators,
    weights not totalling 100 % (when the instrument requires it) within each aspect and
    across aspects, any ``indicator_problems`` and indicator codes used twice. All
    problems at once. The admin refuses most of these already when a form is saved;
    this is the whole check, run again when a period closes."""
    problems: list[str] = []
    aspects = list(instrument.aspects.prefetch_related("indicators"))
    if not aspects:
        problems.append("Instrumen belum punya aspek.")
    if instrument.weights_must_total_100 and aspects:
        problem = weights_problem([a.weight for a in aspects], what="aspek")
        if problem:
            problems.append(problem)
    codes: list[str] = []
    for aspect in aspects:
        indicators = list(aspect.indicators.all())
        if not indicators:
            problems.append(f"Aspek {aspect.name} belum punya indikator.")
        elif instrument.weights_must_total_100:
            problem = weights_problem(
                [i.weight for i in indicators], what=f"indikator pada aspek {aspect.name}"
            )
            if problem:
                problems.append(problem)
        for indicator in indicators:
            codes.append(indicator.code)
            problems.extend(message for _field, message in indicator_problems(indicator))
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        problems.append(f"Kode indikator dipakai lebih dari sekali: {', '.join(duplicates)}.")
    if problems:
        raise EvaluationError(problems)


# -- hashing ----------------------------------------------------------------------------


def _json_ready(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, allow_nan=False))


def _value_text(value: Decimal | None) -> str | None:
    return None if value is None else format(Decimal(value).quantize(VALUE_PLACES), "f")


def value_hash(
    *,
    indicator_code: str,
    metric: str,
    kecamatan: str,
    start: date,
    end: date,
    value: Decimal | None,
    inputs: dict,
) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of what a frozen value
    stands for: indicator, metric, kecamatan, period dates, value (four decimals) and
    inputs."""
    document = {
        "indikator": indicator_code,
        "metrik": metric,
        "kecamatan": kecamatan,
        "mulai": start.isoformat(),
        "selesai": end.isoformat(),
        "nilai": _value_text(value),
        "masukan": _json_ready(inputs),
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def stored_value_hash(value: IndicatorValue) -> str:
    """The hash a stored value should carry, recomputed from its row."""
    return value_hash(
        indicator_code=value.indicator.code,
        metric=value.indicator.metric,
        kecamatan=value.kecamatan_id,
        start=value.period.start_date,
        end=value.period.end_date,
        value=value.value,
        inputs=value.inputs,
    )


# -- closing a period -------------------------------------------------------------------


def _require_roles(actor, roles: Iterable[str], message: str) -> set[str]:
    held = roles_of(actor) if actor is not None and actor.is_authenticated else set()
    if not (held & set(roles)) and not getattr(actor, "is_superuser", False):
        raise EvaluationError(message)
    return held


@transaction.atomic
def period_close(*, period: EvaluationPeriod, actor) -> list[IndicatorValue]:
    """Compute every computed indicator for every evaluated kecamatan over the period's
    dates, freeze the values with their hashes (one audit event listing them all) and
    close the period. Evidence still awaiting verification stays submitted (and scores
    0 until verified). Only a pemda admin closes; a closed period cannot be closed again.
    """
    _require_roles(actor, {Role.ADMIN_PEMDA}, "Hanya admin pemda yang dapat menutup periode.")
    period = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == EvaluationPeriod.Status.CLOSED:
        raise EvaluationError(f"Periode {period.name} sudah ditutup.")
    instrument = period.instrument
    instrument_validate(instrument=instrument)
    kecamatan = list(period.kecamatan.order_by("code").values_list("code", flat=True))
    if not kecamatan:
        raise EvaluationError("Periode belum menetapkan kecamatan yang dievaluasi.")
    indicators = list(
        EvaluationIndicator.objects.filter(
            aspect__instrument=instrument, source=Source.COMPUTED
        ).order_by("code")
    )
    now = timezone.now()
    frozen, hashes = [], {}
    for code in kecamatan:
        for indicator in indicators:
            value, inputs = metric_compute(
                indicator.metric, kecamatan=code, start=period.start_date, end=period.end_date
            )
            inputs = _json_ready(inputs)
            stored = None if value is None else Decimal(value).quantize(VALUE_PLACES)
            digest = value_hash(
                indicator_code=indicator.code,
                metric=indicator.metric,
                kecamatan=code,
                start=period.start_date,
                end=period.end_date,
                value=stored,
                inputs=inputs,
            )
            # A computed indicator has no value while the period is open (the kecamatan
            # cannot submit one, a closed period is not closed again): insert, once.
            frozen.append(
                IndicatorValue(
                    period=period,
                    kecamatan_id=code,
                    indicator=indicator,
                    value=stored,
                    status=IndicatorValue.Status.FROZEN,
                    inputs=inputs,
                    frozen_hash=digest,
                    updated_at=now,
                )
            )
            hashes[f"{code}/{indicator.code}"] = {"nilai": _value_text(stored), "hash": digest}
    IndicatorValue.objects.bulk_create(frozen)
    period.status = EvaluationPeriod.Status.CLOSED
    period.closed_at = now
    period.save(update_fields=["status", "closed_at"])
    pending = IndicatorValue.objects.filter(
        period=period, status=IndicatorValue.Status.SUBMITTED
    ).count()
    audit_record(
        actor=actor,
        action="evaluation.period_closed",
        target=period,
        payload={
            "periode": period.pk,
            "mulai": period.start_date,
            "selesai": period.end_date,
            "instrumen": str(instrument),
            "nilai_beku": hashes,
            "bukti_belum_diverifikasi": pending,
        },
    )
    return frozen


# -- evidence ---------------------------------------------------------------------------


def _upload_refusal(code, name, ext, uploaded, indicator, shown) -> str:
    """The evidence page's message for a refusal of ``validate_upload``, naming the file."""
    if code == "empty":
        return f"Berkas {name} kosong."
    if code == "size":
        shown_size = f"{uploaded.size / (1024 * 1024):.1f}".replace(".", ",")
        return (
            f"Berkas {name} terlalu besar ({shown_size} MB); batasnya "
            f"{indicator.evidence_max_mb} MB."
        )
    return (
        f"Isi berkas {name} tidak sesuai dengan jenisnya (.{ext}); unggah berkas {shown} yang asli."
    )


def _checked_files(indicator: EvaluationIndicator, files) -> list[tuple[object, str, int]]:
    """(file, sha256, size) per upload, or a refusal before anything is stored."""
    allowed = _evidence_types(indicator)
    shown = ", ".join(sorted(allowed))
    checked = []
    for uploaded in files:
        name = os.path.basename(getattr(uploaded, "name", "") or "")
        ext = os.path.splitext(name)[1].lower().lstrip(".")
        if ext not in allowed or ext not in EVIDENCE_EXTENSIONS:
            raise EvaluationError(
                f"Berkas {name or 'tanpa nama'} tidak diizinkan: jenis berkas bukti yang "
                f"diterima hanya {shown}."
            )
        try:
            # Content and size checked as every upload of the product; the type must be
            # the one its extension names (a .pdf that sniffs as PNG is refused too).
            detected = validate_upload(
                uploaded,
                accepted_types=[EVIDENCE_EXTENSIONS[ext]],
                max_size_mb=indicator.evidence_max_mb,
            )
        except ValidationError as error:
            message = _upload_refusal(error.code, name, ext, uploaded, indicator, shown)
            raise EvaluationError(message) from None
        size = uploaded.size
        digest = hashlib.sha256()
        for chunk in uploaded.chunks():
            digest.update(chunk)
        uploaded.seek(0)
        # The original name is kept as data (the description); the stored file is named
        # by the detected type, never by the uploader's extension.
        uploaded.paten_original_name = name
        uploaded.name = f"bukti.{detected}"
        checked.append((uploaded, digest.hexdigest(), size))
    return checked


@transaction.atomic
def evidence_submit(
    *,
    period: EvaluationPeriod,
    kecamatan,
    indicator: EvaluationIndicator,
    value,
    files,
    note: str = "",
    actor,
) -> IndicatorValue:
    """A kecamatan reports the value of an evidence indicator with its evidence files.

    Only while the period is open, by staff of that kecamatan (a kecamatan role and the
    kecamatan inside their scope). Every file must have an allowed extension, content
    of that type and a size within the indicator's limit; if one fails, nothing is
    stored. A value counts only once verified; after a rejection it may be submitted
    again; a verified or frozen value cannot be changed here.
    """
    code = getattr(kecamatan, "code", kecamatan)
    if period.status != EvaluationPeriod.Status.OPEN:
        raise EvaluationError("Periode sudah ditutup; nilai tidak dapat diajukan lagi.")
    scope = kecamatan_scope_for(actor)
    if scope.is_pemda_wide or not scope.allows(code) or not roles_of(actor) & REPORTER_ROLES:
        raise EvaluationError("Hanya petugas kecamatan ini yang dapat mengajukan nilai dan bukti.")
    if not period.kecamatan.filter(code=code).exists():
        raise EvaluationError("Kecamatan ini tidak dievaluasi pada periode ini.")
    if indicator.aspect.instrument_id != period.instrument_id:
        raise EvaluationError(
            f"Indikator {indicator.code} bukan bagian dari instrumen periode ini."
        )
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(period=period, kecamatan_id=code, indicator=indicator)
        .first()
    )
    if existing is not None and existing.status == IndicatorValue.Status.FROZEN:
        raise EvaluationError(
            "Nilai ini dihitung dari data tercatat dan sudah dibekukan; kecamatan tidak dapat "
            "mengubahnya."
        )
    if indicator.source != Source.EVIDENCE:
        raise EvaluationError(
            f"Indikator {indicator.code} dihitung dari data tercatat; nilainya tidak diisi "
            "kecamatan."
        )
    if existing is not None and existing.status == IndicatorValue.Status.VERIFIED:
        raise EvaluationError("Nilai ini sudah diverifikasi dan tidak dapat diubah lagi.")
    amount = decimal_of(value, what="Nilai").quantize(VALUE_PLACES)
    if amount.copy_abs() >= Decimal("1e10"):
        raise EvaluationError("Nilai terlalu besar.")
    checked = _checked_files(indicator, files or [])
    if not checked and (existing is None or not existing.evidence.exists()):
        raise EvaluationError("Lampirkan sedikitnya satu berkas bukti.")

    now = timezone.now()
    resubmitted = existing is not None and existing.status == IndicatorValue.Status.REJECTED
    old_value = existing.value if existing is not None else None
    row = existing or IndicatorValue(period=period, kecamatan_id=code, indicator=indicator)
    row.value = amount
    row.status = IndicatorValue.Status.SUBMITTED
    row.note = note.strip()
    row.submitted_by = actor
    row.submitted_at = now
    row.verified_by = None
    row.verified_at = None
    row.updated_at = now
    row.save()
    stored = []
    for uploaded, digest, size in checked:
        stored.append(
            Evidence.objects.create(
                value=row,
                file=uploaded,
                description=uploaded.paten_original_name[:200],
                size=size,
                sha256=digest,
                uploaded_by=actor,
                uploaded_at=now,
            )
        )
    audit_record(
        actor=actor,
        action="evaluation.evidence_resubmitted"
        if resubmitted
        else "evaluation.evidence_submitted",
        target=row,
        kecamatan=code,
        payload={
            "periode": period.pk,
            "indikator": indicator.code,
            "nilai": _value_text(amount),
            "nilai_sebelumnya": _value_text(old_value),
            "berkas": [{"nama": e.description, "sha256": e.sha256} for e in stored],
        },
    )
    return row


@transaction.atomic
def evidence_verify(
    *, value: IndicatorValue, actor, approve: bool, note: str = ""
) -> IndicatorValue:
    """An evaluator (or pemda admin) from outside the kecamatan verifies or rejects a
    submitted value; a rejection needs a note. Allowed after the period closed too:
    the value then starts to count, and the audit chain records when."""
    _require_roles(
        actor, VERIFIER_ROLES, "Hanya evaluator atau admin pemda yang dapat memverifikasi bukti."
    )
    value = IndicatorValue.objects.select_for_update().select_related("indicator").get(pk=value.pk)
    scope = kecamatan_scope_for(actor)
    if (not scope.is_pemda_wide and scope.allows(value.kecamatan_id)) or (
        value.submitted_by_id is not None and value.submitted_by_id == actor.pk
    ):
        raise EvaluationError("Verifikasi oleh petugas dari kecamatan yang sama tidak diizinkan.")
    if value.status != IndicatorValue.Status.SUBMITTED:
        raise EvaluationError("Hanya nilai yang sedang diajukan yang dapat diverifikasi.")
    note = (note or "").strip()
    if not approve and not note:
        raise EvaluationError("Penolakan harus disertai catatan untuk kecamatan.")
    now = timezone.now()
    value.status = IndicatorValue.Status.VERIFIED if approve else IndicatorValue.Status.REJECTED
    value.verified_by = actor
    value.verified_at = now
    value.verification_note = note
    value.updated_at = now
    value.save(
        update_fields=["status", "verified_by", "verified_at", "verification_note", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="evaluation.evidence_verified" if approve else "evaluation.evidence_rejected",
        target=value,
        kecamatan=value.kecamatan_id,
        payload={
            "periode": value.period_id,
            "indikator": value.indicator.code,
            "nilai": _value_text(value.value),
            "catatan": note,
        },
    )
    return value


@transaction.atomic
def value_correct(*, value: IndicatorValue, new_value, reason: str, actor) -> IndicatorValue:
    """A pemda admin corrects a frozen or verified value. The old value and the reason
    go into the value's inputs (so the new hash covers them) and into the audit chain;
    a frozen value gets its hash recomputed."""
    _require_roles(actor, {Role.ADMIN_PEMDA}, "Hanya admin pemda yang dapat mengoreksi nilai.")
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError("Koreksi nilai harus disertai alasan.")
    value = (
        IndicatorValue.objects.select_for_update()
        .select_related("indicator", "period")
        .get(pk=value.pk)
    )
    if value.status not in (IndicatorValue.Status.FROZEN, IndicatorValue.Status.VERIFIED):
        raise EvaluationError(
            "Hanya nilai yang sudah dibekukan atau diverifikasi yang dapat dikoreksi."
        )
    amount = (
        None if new_value is None else decimal_of(new_value, what="Nilai").quantize(VALUE_PLACES)
    )
    old_value, old_hash = value.value, value.frozen_hash
    corrections = list(value.inputs.get("koreksi", [])) if isinstance(value.inputs, dict) else []
    corrections.append(
        {
            "nilai_lama": _value_text(old_value),
            "nilai_baru": _value_text(amount),
            "alasan": reason,
            "oleh": actor.get_username(),
            "pada": timezone.now().isoformat(),
        }
    )
    value.inputs = _json_ready({**(value.inputs or {}), "koreksi": corrections})
    value.value = amount
    if value.status == IndicatorValue.Status.FROZEN:
        value.frozen_hash = stored_value_hash(value)
    value.updated_at = timezone.now()
    value.save(update_fields=["value", "inputs", "frozen_hash", "updated_at"])
    audit_record(
        actor=actor,
        action="evaluation.value_corrected",
        target=value,
        kecamatan=value.kecamatan_id,
        payload={
            "periode": value.period_id,
            "indikator": value.indicator.code,
            "nilai_lama": _value_text(old_value),
            "nilai_baru": _value_text(amount),
            "alasan": reason,
            "hash_lama": old_hash,
            "hash_baru": value.frozen_hash,
        },
    )
    return value
