"""`make bench`: every figure is printed next to a reference measured in the same run.

Each ``bench/bench_*.py`` module has ``run(report)`` and calls
``report.figure(...)`` for each measurement. Select modules with
``make bench BENCH_ARGS="regions"``. Databases: SQLite by default (a throw-away file
under var/bench), PostgreSQL too when ``BENCH_POSTGRES_URL`` is set or a local
server answers.
"""

import importlib
import pkgutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Report:
    rows: list[tuple] = field(default_factory=list)

    def figure(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        reference: float,
        reference_name: str,
        target: str = "",
        higher_is_better: bool = True,
    ) -> None:
        ratio = value / reference if reference else float("nan")
        if not higher_is_better and value:
            ratio = reference / value
        self.rows.append((name, value, unit, reference_name, reference, ratio, target))
        print(
            f"  {name}: {value:,.1f} {unit} | reference {reference_name}: {reference:,.1f} "
            f"{unit} | ratio {ratio:.2f}" + (f" | target {target}" if target else ""),
            flush=True,
        )

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)


def main(argv: list[str]) -> int:
    wanted = set(argv)
    report = Report()
    started = time.perf_counter()
    failed = []
    for module_info in sorted(pkgutil.iter_modules([str(ROOT / "bench")]), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        short = module_info.name.removeprefix("bench_")
        if wanted and short not in wanted:
            continue
        print(f"[{short}]", flush=True)
        try:
            importlib.import_module(f"bench.{module_info.name}").run(report)
        except Exception:  # noqa: BLE001 (reported below, and the run exits 1)
            # One broken measurement must not hide the others' figures.
            traceback.print_exc()
            failed.append(short)
    print(f"done in {time.perf_counter() - started:.1f} s", flush=True)
    if failed:
        print(f"FAILED: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
