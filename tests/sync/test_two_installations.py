"""Two real installations: a central and a kecamatan laptop, as separate processes.

The central runs on PostgreSQL when the test run does (CI) and on SQLite otherwise; the
laptop always on SQLite in its own var dir. Everything goes through ``manage.py``
commands with each installation's own environment, exactly as the pemda's IT staff do
it (README, "Offline kecamatan"). Each installation has its own temporary directory and
database, so the test is safe beside others running in parallel.
"""

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.services import IN_CI

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
UTARA = "64.74.01"


class Installation:
    def __init__(self, name: str, var_dir: Path, database_url: str | None = None):
        self.name = name
        self.var_dir = var_dir
        var_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "PATEN_TEST_SQLITE_FILE"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="paten.settings.dev",
            PATEN_VAR_DIR=str(var_dir),
            DJANGO_LOG_LEVEL="WARNING",
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{self.name}: manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def python(self, code: str):
        """Run ``code`` in Django at this installation; it sets ``result`` (JSON-ready)."""
        script = "import json\n" + textwrap.dedent(code) + "\nprint('RESULT=' + json.dumps(result))"
        output = self.manage("shell", "-c", script).stdout
        line = next(line for line in output.splitlines()[::-1] if line.startswith("RESULT="))
        return json.loads(line.removeprefix("RESULT="))


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("two-installations")
    server = _postgres_url()
    database = None
    if server:
        import psycopg

        database = f"paten_sync_it_{uuid.uuid4().hex[:10]}"
        admin = urlunparse(urlparse(server)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        central_url = urlunparse(urlparse(server)._replace(path=f"/{database}"))
    elif IN_CI:
        pytest.fail("CI=true: the central of this test runs on PostgreSQL (set DATABASE_URL)")
    else:
        central_url = None
    central = Installation("central", base / "central", central_url)
    laptop = Installation("laptop", base / "laptop")
    for installation in (central, laptop):
        installation.manage("migrate", "--noinput", "-v0")
        installation.manage("load_demo_data")  # a fresh `make run`
    yield central, laptop, base
    if database:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


WORK_AT_THE_COUNTER = """
from forms_builder import demo
from forms_builder.notifications import notifications_paused
from forms_builder.workflow import ApplicationState as S
from paten.regions.models import Region
from reporting.survey.ikm import UNSUR_KEYS
from reporting.survey.services import survey_response_submit
from service_catalog.models import ServicePage
from service_catalog.selectors import kecamatan_offering

k = Region.objects.get(code="64.74.01")
desa = Region.objects.filter(code__startswith="64.74.01.", level=4).order_by("code").first()
staff = demo._staff("bontang-utara")
services = [s for s in ServicePage.objects.filter(code__in=demo.FORMS).order_by("pk")
            if k in kecamatan_offering(s)]
made = []
with notifications_paused():
    for n in range(N):
        # An odd number: the demo registers it at the counter (petugas loket); the demo's
        # birth dates stay in the past up to about 33.
        person = demo.DemoPerson(n=SEED + 2 * n + 1, kecamatan=k, desa_code=desa.code)
        app = demo._application_create(
            service=services[n % len(services)], person=person, until=S.FINISHED, staff=staff
        )
        made.append(app)
response = survey_response_submit(
    answers={key: 4 for key in UNSUR_KEYS}, channel="pelacakan", application=made[0]
)
first = made[0]
result = {
    "codes": [a.tracking_code for a in made],
    "number": first.result_number,
    "token": first.verification_token,
    "events": first.events.count(),
    "files": sorted(a.sha256 for a in first.attachments.all()),
    "channel": first.channel,
}
"""


def _work(laptop: Installation, *, n: int, seed: int) -> dict:
    return laptop.python(f"N = {n}\nSEED = {seed}\n" + WORK_AT_THE_COUNTER)


def test_kecamatan_laptop_and_central_exchange_bundles(pair):
    central, laptop, base = pair

    # -- enrolment ------------------------------------------------------------------------
    request = base / "permintaan.json"
    out = laptop.manage("sync_enrol", "--request", str(request)).stdout
    assert "Fingerprint of this laptop" in out
    enrol = base / "pendaftaran.paten"
    out = central.manage(
        "sync_instance_enrol", str(request), "--kecamatan", UTARA, "--out", str(enrol)
    ).stdout
    assert "prefix 00" in out
    refused = laptop.manage("sync_enrol", str(enrol), check=False)
    assert refused.returncode != 0 and "--reset" in refused.stderr
    laptop.manage("sync_enrol", "--reset", str(enrol))
    state = laptop.python(
        """
from django.contrib.auth import get_user_model
from forms_builder.models import Application
from paten.regions.models import Region
result = {
    "users": sorted(get_user_model().objects.filter(is_active=True).values_list("username", flat=True)),
    "kecamatan": sorted(set(Application.objects.values_list("kecamatan_id", flat=True))),
    "regions_outside": Region.objects.exclude(code__startswith="64").count(),
}
"""
    )
    # Only the kecamatan's staff can log in; only its own records came down.
    assert state["users"] and all("bontang-utara" in name for name in state["users"])
    assert state["kecamatan"] == [UTARA]
    assert state["regions_outside"] == 0
    # The kecamatan's public information list came down, and only its own.
    dip_query = """
from paten.ppid.models import DipEntry
result = sorted(map(str, DipEntry.objects.filter(kecamatan_id="64.74.01").values_list("pk", flat=True)))
others = DipEntry.objects.exclude(kecamatan_id="64.74.01").count()
result = [result, others]
"""
    laptop_dip, central_dip = laptop.python(dip_query), central.python(dip_query)
    assert laptop_dip[0] and laptop_dip[0] == central_dip[0]
    assert laptop_dip[1] == 0 and central_dip[1] > 0

    # -- a day at the counter, offline ------------------------------------------------------
    work = _work(laptop, n=2, seed=22)
    assert all(len(code) == 11 and code.startswith("00") for code in work["codes"])
    up1 = base / "up-1.paten"
    laptop.manage("sync_export", str(up1))
    out = central.manage("sync_import", str(up1)).stdout
    assert "Diimpor" in out

    seen = central.python(
        f"""
from django.test import Client
from forms_builder.models import Application
from paten.sync.models import ReceivedRecord
from reporting.models import SurveyResponse
from reporting.survey.selectors import Slice, ikm_for
from django.utils import timezone
app = Application.objects.get(tracking_code={work["codes"][0]!r})
page = Client().get("/verifikasi/{work["token"]}/")
today = timezone.localdate()
received = ReceivedRecord.objects.get(model="forms_builder.application", key=str(app.pk))
result = {{
    "state": app.state,
    "number": app.result_number,
    "events": app.events.count(),
    "files": sorted(a.sha256 for a in app.attachments.all()),
    "files_on_disk": all(a.file.storage.exists(a.file.name) for a in app.attachments.all()),
    "survey": SurveyResponse.objects.filter(application=app).count(),
    "verify_status": page.status_code,
    "verify_shows_number": app.result_number in page.content.decode(),
    "claimed_before_received": received.claimed_at <= received.received_at,
}}
"""
    )
    assert seen["state"] == "selesai"
    assert seen["number"] == work["number"]
    assert seen["events"] == work["events"]
    assert seen["files"] == work["files"] and seen["files_on_disk"]
    assert seen["survey"] == 1
    assert seen["verify_status"] == 200 and seen["verify_shows_number"]
    assert seen["claimed_before_received"]

    # The laptop's audit chain arrived whole and verifies at the central.
    chain_query = """
from paten.audit.services import audit_chain_head, audit_verify
from paten.sync.models import Installation, Peer
from paten.sync.constants import InstallationRole
me = Installation.objects.get()
instance = me.installation_id if me.role == "instance" else Peer.objects.get(
    role=InstallationRole.INSTANCE, kecamatan_id="64.74.01").id
from paten.audit.models import AuditEvent
size, head = audit_chain_head(f"instance:{instance}")
heads = dict(AuditEvent.objects.filter(chain=f"instance:{instance}").values_list("sequence", "hash"))
result = [size, head, audit_verify().ok, heads]
"""
    central_chain = central.python(chain_query)
    laptop_chain = laptop.python(chain_query)
    # Sealed at export: the central holds the chain up to the bundle's checkpoint.
    assert central_chain[0] > 0 and central_chain[2]
    assert laptop_chain[3][str(central_chain[0])] == central_chain[1]

    # -- the same bundle twice changes nothing -----------------------------------------------
    out = central.manage("sync_import", str(up1)).stdout
    assert "sudah diimpor" in out

    # -- a configuration change at the central reaches the laptop ------------------------------
    central.python(
        """
import datetime
from paten.workdays.models import CalendarOverride
from django.utils import timezone
CalendarOverride.objects.create(
    date=timezone.localdate() + datetime.timedelta(days=40), name="Hari jadi kecamatan (uji)"
)
result = True
"""
    )
    down = base / "down-2.paten"
    central.manage("sync_export", "--kecamatan", UTARA, str(down))
    laptop.manage("sync_import", str(down))
    got = laptop.python(
        """
from paten.workdays.models import CalendarOverride
result = CalendarOverride.objects.filter(name="Hari jadi kecamatan (uji)").count()
"""
    )
    assert got == 1

    # -- out of order: the later bundle waits for the earlier one ------------------------------
    _work(laptop, n=1, seed=26)
    up2 = base / "up-2.paten"
    laptop.manage("sync_export", str(up2))
    late = _work(laptop, n=1, seed=28)
    up3 = base / "up-3.paten"
    laptop.manage("sync_export", str(up3))
    out = central.manage("sync_import", str(up3)).stdout
    assert "Ditahan" in out and "menunggu" in out
    out = central.manage("sync_import", str(up2)).stdout
    assert "held bundle" in out
    assert (
        central.python(
            f"""
from forms_builder.models import Application
result = Application.objects.filter(tracking_code={late["codes"][0]!r}).count()
"""
        )
        == 1
    )

    # -- damaged files are refused whole ------------------------------------------------------
    _work(laptop, n=1, seed=30)
    up4 = base / "up-4.paten"
    laptop.manage("sync_export", str(up4))
    data = up4.read_bytes()
    cut = base / "up-4-cut.paten"
    cut.write_bytes(data[: len(data) // 2])
    refused = central.manage("sync_import", str(cut), check=False)
    assert refused.returncode != 0 and "truncated" in refused.stderr
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x01
    changed = base / "up-4-byte.paten"
    changed.write_bytes(bytes(flipped))
    refused = central.manage("sync_import", str(changed), check=False)
    assert refused.returncode != 0
    assert "tampered" in refused.stderr or "bad_signature" in refused.stderr
    central.manage("sync_import", str(up4))

    # -- a replayed old bundle changes nothing --------------------------------------------------
    out = central.manage("sync_import", str(up2)).stdout
    assert "sudah diimpor" in out

    # -- a bundle signed with another key, one for another kecamatan -------------------------
    forged = base / "forged.paten"
    laptop.python(
        f"""
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from paten.sync import export, identity, keys
from paten.sync.container import BundleWriter
me = identity.installation()
central = identity.central_peer()
writer = BundleWriter(
    {str(forged)!r},
    header={{"kind": "up", "sender": str(me.installation_id), "receiver": str(central.id),
            "kecamatan": "64.74.01", "sequence": 99}},
    receiver=keys.x25519_public(central.encryption_key),
    signing_key=Ed25519PrivateKey.generate(),
)
writer.finish({{"previous": {{"sequence": 98, "hash": ""}}}})
result = True
"""
    )
    refused = central.manage("sync_import", str(forged), check=False)
    assert refused.returncode != 0 and "bad_signature" in refused.stderr

    # -- nothing was half-imported along the way (a revoked sender: tests/sync/test_protocol.py)
    counts = central.python(
        """
from forms_builder.models import Application
result = Application.objects.filter(kecamatan_id="64.74.01", tracking_code__startswith="00").count()
"""
    )
    assert counts == 5  # 2 + 1 + 1 + 1 applications made on the laptop, each once

    # -- over HTTPS: the same bundle format, pushed to the central's endpoint ----------------
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=central.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        _work(laptop, n=1, seed=32)
        out = laptop.manage("sync_push", "--url", f"http://127.0.0.1:{port}").stdout
        assert "Sent bundle" in out and "Answer" in out
    finally:
        server.terminate()
        server.wait(timeout=30)

    # -- the import process killed halfway: a rerun finishes, nothing twice ------------------
    many = laptop.python(MANY_APPLICATIONS)
    big = base / "up-big.paten"
    laptop.manage("sync_export", str(big))
    blobs = central.var_dir / "private" / "sync" / "blobs"
    before = len(list(blobs.rglob("*"))) if blobs.exists() else 0
    importing = subprocess.Popen(
        [sys.executable, "manage.py", "sync_import", str(big)],
        cwd=ROOT,
        env=central.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while importing.poll() is None and len(list(blobs.rglob("*"))) < before + 20:
        time.sleep(0.02)
    importing.kill()
    importing.wait()
    count = """
from forms_builder.models import Application
result = Application.objects.filter(applicant_name__startswith="Banyak ").count()
"""
    assert central.python(count) == 0, "the killed import must leave nothing behind"
    central.manage("sync_import", str(big))
    assert central.python(count) == many
    assert "sudah diimpor" in central.manage("sync_import", str(big)).stdout

    # -- hand-back: the final bundle, then the laptop is read-only -----------------------------
    final = base / "final.paten"
    laptop.manage("sync_export", "--final", str(final))
    central.manage("sync_import", str(final))
    handed = central.python(
        f"""
from django.contrib.auth import get_user_model
from forms_builder.models import Application
from forms_builder.services.applications import application_transition
from paten.sync.models import Peer
app = Application.objects.get(tracking_code={work["codes"][0]!r})
loket = get_user_model().objects.get(username="loket.bontang-utara")
moved = application_transition(application=app, to_state="diserahkan", actor=loket)
result = {{"status": Peer.objects.get(kecamatan_id="64.74.01").status, "state": moved.state}}
"""
    )
    assert handed == {"status": "returned", "state": "diserahkan"}
    refused = laptop.python(
        f"""
from django.contrib.auth import get_user_model
from forms_builder.models import Application
from forms_builder.services.applications import application_transition
app = Application.objects.get(tracking_code={work["codes"][1]!r})
loket = get_user_model().objects.get(username="loket.bontang-utara")
try:
    application_transition(application=app, to_state="diserahkan", actor=loket)
    result = "written"
except Exception as error:
    result = type(error).__name__
"""
    )
    assert refused == "PartitionReadOnly"


MANY_APPLICATIONS = """
import uuid
from django.core.files.base import ContentFile
from forms_builder.models import Application, ApplicationEvent, Attachment
template = Application.objects.filter(tracking_code__startswith="00").order_by("submitted_at").first()
made = 0
for i in range(150):
    app = Application.objects.get(pk=template.pk)
    app.pk = uuid.uuid4()
    app.tracking_code = f"00Z{i:07d}X"[:11]
    app.applicant_name = f"Banyak {i}"
    app.result_number = None
    app.verification_token = None
    app.save(force_insert=True)
    for n in range(2):
        attachment = Attachment(application=app, required_document_key=f"doc{n}",
                                content_type="application/pdf", size=0, sha256="")
        content = (f"%PDF-1.4 banyak {i} {n} " * 50).encode()
        import hashlib
        attachment.size, attachment.sha256 = len(content), hashlib.sha256(content).hexdigest()
        attachment.file.save("berkas.pdf", ContentFile(content), save=False)
        attachment.save()
    ApplicationEvent.objects.create(application=app, from_state="", to_state=app.state)
    made += 1
result = made
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int) -> None:
    import socket

    for _ in range(300):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the central's web server did not start")
