"""Demo data definitions shared by ``load_demo_data`` and ``demo_banner``.

Demo passwords are for a laptop demo only; production never runs load_demo_data.
"""

from dataclasses import dataclass

from paten.accounts.constants import Role

DEMO_PASSWORD = "paten-demo-2026"  # noqa: S105 (documented demo password)

# Kota Bontang (the demo installation), Kota Tangerang and Kabupaten Buru Selatan.
SEED_REGIONS = ("64.74", "36.71", "81.09")
DEMO_KABUPATEN_KOTA = "64.74"
DEMO_KECAMATAN = {
    "64.74.01": "bontang-utara",
    "64.74.02": "bontang-selatan",
    "64.74.03": "bontang-barat",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    roles: tuple[str, ...]
    kecamatan: tuple[str, ...] = ()
    superuser: bool = False
    first_name: str = ""


def demo_users() -> list[DemoUser]:
    users = [
        DemoUser("admin", (Role.ADMIN_PEMDA,), superuser=True, first_name="Admin Sistem"),
        DemoUser("adminpemda", (Role.ADMIN_PEMDA,), first_name="Bagian Pemerintahan"),
        DemoUser("ppid", (Role.PPID,), first_name="PPID Utama"),
        DemoUser("atasanppid", (Role.ATASAN_PPID,), first_name="Sekretaris Daerah"),
        DemoUser("evaluator", (Role.EVALUATOR,), first_name="Tim Evaluasi"),
    ]
    per_kecamatan = (
        ("camat", Role.CAMAT, "Camat"),
        ("loket", Role.PETUGAS_LOKET, "Petugas Loket"),
        ("backoffice", Role.BACK_OFFICE, "Back Office"),
        ("ppid", Role.PPID, "PPID Pembantu"),
    )
    for code, slug in DEMO_KECAMATAN.items():
        for prefix, role, title in per_kecamatan:
            users.append(
                DemoUser(
                    f"{prefix}.{slug}",
                    (role,),
                    (code,),
                    first_name=f"{title} {slug.replace('-', ' ').title()}",
                )
            )
    return users
