"""One offline kecamatan's bundle: 10,000 applications, 20,000 attachments, 50,000 events.

Three throw-away SQLite databases made from one configured template (so that services
and form versions have the same keys everywhere): the *laptop* holds the records and
exports them; the *central* imports the bundle; the *reference* gets the same rows by a
plain ``bulk_create`` in the same run. Each side runs in its own process, so its peak
resident memory (``ru_maxrss``) is its own. Figures: export and import rows/s beside
the reference (target import ≥ 0.3×), the bundle's size, and both sides' peak RSS
(target < 300 MB whatever the bundle's size).
"""

import hashlib
import json
import os
import resource
import secrets
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPLICATIONS = int(os.environ.get("BENCH_SYNC_APPLICATIONS", "10000"))
ATTACHMENTS_EACH = 2
EVENTS_EACH = 5
KECAMATAN = "64.74.01"
RSS_TARGET_MB = 300


def _django(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["PATEN_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paten.settings.test")
    os.environ.pop("PATEN_TEST_SQLITE_FILE", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.PATEN_PRIVATE_ROOT = str(Path(var_dir) / "private")
    settings.PATEN_SYNC_KEY_DIR = str(Path(var_dir) / "keys")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup() -> dict:
    """The configuration every side shares: regions, one service, its form, two users."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from paten.accounts.constants import Role
    from paten.accounts.services import staff_create
    from paten.regions.models import Region
    from tests.forms_builder.factories import form_version_for
    from tests.service_catalog.factories import make_service

    for code, name in [
        ("64", "Kalimantan Timur"),
        ("64.74", "Kota Bontang"),
        (KECAMATAN, "Bontang Utara"),
    ]:
        parent = Region.objects.filter(code=code.rsplit(".", 1)[0]).first() if "." in code else None
        Region.objects.get_or_create(code=code, defaults={"name": name, "parent": parent})
    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=3)
    form_version_for(service)
    staff_create(
        username="loket.utara",
        password=secrets.token_urlsafe(),
        roles=[Role.PETUGAS_LOKET],
        kecamatan=[KECAMATAN],
    )
    return {"service": service.pk}


def _rows(private_root: Path | None):
    """The same applications, attachments and events, for the laptop and the reference."""
    import datetime
    import uuid

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from forms_builder.models import Application, ApplicationEvent, Attachment, FormVersion
    from forms_builder.tracking import check_symbol

    version = FormVersion.objects.get()
    user = get_user_model().objects.get(username="loket.utara")
    start = timezone.now() - datetime.timedelta(days=30)
    apps, attachments, events = [], [], []
    for i in range(APPLICATIONS):
        body = "00" + f"{i:08d}".translate(str.maketrans("0123456789", "0123456789"))
        app = Application(
            id=uuid.UUID(int=i + 1),
            tracking_code=body + check_symbol(body),
            service_id=version.service_id,
            form_version=version,
            kecamatan_id=KECAMATAN,
            channel="loket",
            applicant_name=f"Warga {i}",
            applicant_phone="081200000000",
            data={"nama_lengkap": f"Warga {i}", "keperluan": "Sekolah"},
            state="diproses",
            submitted_at=start + datetime.timedelta(seconds=i),
            created_by=user,
        )
        apps.append(app)
        for n in range(ATTACHMENTS_EACH):
            content = f"%PDF-1.4 bench {i} {n}\n".encode() * 20
            name = f"applications/{app.id}/{n}.pdf"
            if private_root is not None:
                path = private_root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            attachments.append(
                Attachment(
                    id=uuid.UUID(int=10**9 + i * 10 + n),
                    application_id=app.id,
                    required_document_key=f"doc{n}",
                    file=name,
                    content_type="application/pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    uploaded_at=app.submitted_at,
                )
            )
        for n in range(EVENTS_EACH):
            events.append(
                ApplicationEvent(
                    id=uuid.UUID(int=2 * 10**9 + i * 10 + n),
                    application_id=app.id,
                    from_state="",
                    to_state="diajukan",
                    actor=user,
                    at=app.submitted_at + datetime.timedelta(minutes=n),
                )
            )
    return apps, attachments, events


def _bulk(apps, attachments, events) -> None:
    from django.db import transaction

    from forms_builder.models import Application, ApplicationEvent, Attachment

    with transaction.atomic():
        Application.objects.bulk_create(apps, batch_size=1000)
        Attachment.objects.bulk_create(attachments, batch_size=1000)
        ApplicationEvent.objects.bulk_create(events, batch_size=1000)


def worker(mode: str, url: str, var_dir: str, *args: str) -> dict:
    _django(url, var_dir)
    from paten.sync import guards, identity, keys

    if mode == "setup":
        return _setup()
    if mode == "keys":
        me = identity.installation()
        return {
            "id": str(me.installation_id),
            "signing": keys.signing_public_b64(),
            "encryption": keys.encryption_public_b64(),
        }
    if mode == "reference":
        rows = _rows(None)
        started = time.perf_counter()
        _bulk(*rows)
        seconds = time.perf_counter() - started
        return {"rows": sum(len(r) for r in rows), "seconds": seconds}
    from paten.sync.constants import InstallationRole
    from paten.sync.models import Peer

    other = json.loads(args[0])
    if mode == "export":
        with guards.importing():
            _bulk(*_rows(Path(var_dir) / "private"))
        me = identity.installation()
        me.role = InstallationRole.INSTANCE
        me.kecamatan_id = KECAMATAN
        me.tracking_prefix = "00"
        me.save()
        Peer.objects.create(
            id=other["id"],
            role=InstallationRole.CENTRAL,
            signing_key=other["signing"],
            encryption_key=other["encryption"],
        )
        identity.ownership_changed()
        from paten.sync import services

        started = time.perf_counter()
        result = services.up_export(path=args[1])
        seconds = time.perf_counter() - started
        return {
            "rows": sum(result.counts.values()),
            "seconds": seconds,
            "bytes": Path(args[1]).stat().st_size,
            "rss_mb": _rss_mb(),
        }
    if mode == "import":
        Peer.objects.create(
            id=other["id"],
            role=InstallationRole.INSTANCE,
            kecamatan_id=KECAMATAN,
            signing_key=other["signing"],
            encryption_key=other["encryption"],
            tracking_prefix="00",
        )
        identity.ownership_changed()
        from paten.sync import services

        started = time.perf_counter()
        outcome = services.bundle_import(path=args[1])
        seconds = time.perf_counter() - started
        if outcome.status != "applied":
            raise RuntimeError(f"import {outcome.status}: {outcome.message}")
        return {"rows": sum(outcome.counts.values()), "seconds": seconds, "rss_mb": _rss_mb()}
    raise SystemExit(f"unknown mode {mode}")


def run(report) -> None:
    from bench.common import BENCH_DIR, run_json

    base = BENCH_DIR / "sync"
    shutil.rmtree(base, ignore_errors=True)
    sides = {name: base / name for name in ("template", "laptop", "central", "reference")}
    for path in sides.values():
        path.mkdir(parents=True)
    url = {name: f"sqlite:///{path / 'db.sqlite3'}" for name, path in sides.items()}
    run_json(__file__, "--worker", "setup", url["template"], str(sides["template"]))
    for name in ("laptop", "central", "reference"):
        shutil.copyfile(sides["template"] / "db.sqlite3", sides[name] / "db.sqlite3")
    laptop_keys = run_json(__file__, "--worker", "keys", url["laptop"], str(sides["laptop"]))
    central_keys = run_json(__file__, "--worker", "keys", url["central"], str(sides["central"]))
    bundle = base / "up.paten"
    exported = run_json(
        __file__,
        "--worker",
        "export",
        url["laptop"],
        str(sides["laptop"]),
        json.dumps(central_keys),
        str(bundle),
    )
    imported = run_json(
        __file__,
        "--worker",
        "import",
        url["central"],
        str(sides["central"]),
        json.dumps(laptop_keys),
        str(bundle),
    )
    reference = run_json(
        __file__, "--worker", "reference", url["reference"], str(sides["reference"])
    )
    bulk_rate = reference["rows"] / reference["seconds"]
    report.note(
        f"SQLite: {APPLICATIONS:,} applications, {APPLICATIONS * ATTACHMENTS_EACH:,} attachments, "
        f"{APPLICATIONS * EVENTS_EACH:,} events; bundle {exported['bytes'] / 1e6:,.1f} MB"
    )
    report.figure(
        "export (scan, encrypt, write)",
        exported["rows"] / exported["seconds"],
        "rows/s",
        reference=bulk_rate,
        reference_name="bulk_create of the same rows",
    )
    report.figure(
        "import (verify, decrypt, check, upsert)",
        imported["rows"] / imported["seconds"],
        "rows/s",
        reference=bulk_rate,
        reference_name="bulk_create of the same rows",
        target="≥ 0.3",
    )
    for side, figures in (("laptop (export)", exported), ("central (import)", imported)):
        report.figure(
            f"peak RSS, {side}",
            figures["rss_mb"],
            "MB",
            reference=RSS_TARGET_MB,
            reference_name="target",
            target="< 300 MB",
            higher_is_better=False,
        )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    print(json.dumps(worker(*sys.argv[2:])))
