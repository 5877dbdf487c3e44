"""Builders of PPID data through its services: the requester's files, an online request
as a citizen files it, and the PPID's officers. Shared by the PPID tests and the tests of
the PPID's report kinds."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.ppid.constants import RequestChannel
from paten.ppid.services import RequestInput, request_submit

UTARA, SELATAN, BARAT = "64.74.01", "64.74.02", "64.74.03"
WIB = ZoneInfo("Asia/Jakarta")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
NIK = "6474014107900001"  # kecamatan 64.74.01, a woman born 1 July 1990
#: What the request of ``request_input`` holds that a masked report must not show.
PERSONAL = ("Siti Rahmawati", NIK, "Jl. Awang Long", "siti@example.org")


def at(*args) -> datetime:
    """An aware datetime in WIB: ``at(2026, 2, 13, 10)``."""
    return datetime(*args, tzinfo=WIB)


def upload(name="ktp.png", content=PNG):
    handle = io.BytesIO(content)
    handle.name = name
    handle.size = len(content)
    return handle


def request_input(**overrides) -> RequestInput:
    values = {
        "requester_name": "Siti Rahmawati",
        "requester_nik": NIK,
        "requester_address": "Jl. Awang Long No. 7, Bontang",
        "requester_phone": "0812 3456 7890",
        "requester_email": "siti@example.org",
        "information_requested": "Laporan realisasi anggaran kecamatan tahun 2025",
        "purpose": "Penelitian skripsi",
    }
    values.update(overrides)
    return RequestInput(**values)


def submit_request(kecamatan=None, *, received_at=None, actor=None, **overrides):
    """An online information request with its KTP scan, as a citizen files it."""
    return request_submit(
        data=request_input(**overrides),
        kecamatan=kecamatan,
        channel=RequestChannel.ONLINE,
        identity_file=upload(),
        actor=actor,
        received_at=received_at,
    )


def ppid_staff(username: str, *, role=Role.PPID, kecamatan: str | None = None):
    """A PPID officer (of ``kecamatan``, else the PPID utama), or another role's user."""
    return staff_create(
        username=username,
        password="x",
        roles=[role],
        kecamatan=[kecamatan] if kecamatan else [],
        first_name=username,
    )
