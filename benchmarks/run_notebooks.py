"""Benchmark: run every solution notebook in full and fast mode, record wall time and results.

Usage (from the repository root):

    .venv/bin/python benchmarks/run_notebooks.py [MODULE ...] [--fast-only] [--render-only]
        [--results benchmarks/results.json] [--output benchmarks/results.md]

Each notebook runs in a fresh kernel, as a student would run it (full mode), and
as CI and nbgrader run it (``COURSE_FAST=1``). Headline figures are the values
notebooks report with ``course_utils.results.record``. Targets (course spec,
section 7): under 180 s in full mode and under 60 s in fast mode on 2 CPU cores.

The measurements live in ``benchmarks/results.json``: one record per module with
the day and the machine it was measured on. A run replaces the records of the
modules it measures, keeps the others, and renders ``benchmarks/results.md`` from
the whole file (``--render-only`` renders it without measuring anything).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FULL_LIMIT_S, FAST_LIMIT_S = 180, 60


def run(module: str, fast: bool) -> tuple[float, list[dict], str | None]:
    """Execute solutions/<module>; return wall seconds, recorded results, and the first error."""
    path = ROOT / "solutions" / module / f"{module}.ipynb"
    nb = nbformat.read(path, as_version=4)
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as log:
        names = ("COURSE_FAST", "COURSE_RESULTS_FILE", "COURSE_PROGRESS", "COURSE_WIDGETS")
        saved = {k: os.environ.get(k) for k in names}
        # static figures instead of widgets: nbclient can stall after interact cells (course_utils.widgets)
        os.environ.update(COURSE_FAST="1" if fast else "0", COURSE_RESULTS_FILE=log.name, COURSE_PROGRESS="0",
                          COURSE_WIDGETS="0")
        try:
            client = NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                                    resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            client.execute()
            seconds = time.perf_counter() - start
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        results = [json.loads(line) for line in log.read().splitlines() if line.strip()]
    errors = [f"{o.ename}: {o.evalue}" for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    return seconds, results, errors[0] if errors else None


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def measure(module: str, fast_only: bool) -> dict:
    """One module's record: wall times, headline results (full mode), first error, day and machine."""
    fast_s, _, fast_error = run(module, fast=True)
    full_s, results, full_error = (None, [], None) if fast_only else run(module, fast=False)
    return {
        "module": module,
        "full_s": None if full_s is None else round(full_s, 1),
        "fast_s": round(fast_s, 1),
        "results": results,
        "error": full_error or fast_error,
        "measured": datetime.date.today().isoformat(),
        "machine": {"cores": os.cpu_count(), "cpu": cpu_name(), "python": platform.python_version()},
    }


def failed(record: dict) -> bool:
    """An error, or a time over its target."""
    return bool(record["error"]) or record["fast_s"] > FAST_LIMIT_S or (record["full_s"] or 0) > FULL_LIMIT_S


def load(path: Path) -> dict[str, dict]:
    """The records in ``path`` by module (none if it does not exist yet)."""
    if not path.exists():
        return {}
    return {r["module"]: r for r in json.loads(path.read_text())["modules"]}


def save(path: Path, records: dict[str, dict]) -> None:
    data = {
        "about": "Notebook benchmark records, one per module, written by benchmarks/run_notebooks.py "
                 "(which renders benchmarks/results.md from them). Seconds of wall time; full_s is null "
                 "when only fast mode was measured.",
        "modules": [records[m] for m in sorted(records)],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def row(record: dict) -> str:
    figures = "<br>".join(f"{r['name']} = {r['value']:.4g}" + (f" (target {r['target']})" if r["target"] else "")
                          for r in record["results"])
    full = "-" if record["full_s"] is None else f"{record['full_s']:.0f}"
    return (f"| {record['module']} | {full} | {record['fast_s']:.0f} | {figures or '-'} | "
            f"{record['error'] or 'none'} | {record['measured']} |")


def render(records: dict[str, dict]) -> str:
    """benchmarks/results.md: the machines, then one row per module."""
    machines: dict[tuple, list[str]] = {}
    for module in sorted(records):
        m = records[module]["machine"]
        machines.setdefault((m["cores"], m["cpu"], m["python"]), []).append(module)
    where = [f"{cores} cores ({cpu}), Python {python}" for cores, cpu, python in machines]
    if len(machines) > 1:
        where = [f"{w} for {', '.join(modules)}" for w, modules in zip(where, machines.values())]
    lines = [
        "# Notebook benchmark",
        "",
        f"Measured on {'; '.join(where)}, by `benchmarks/run_notebooks.py` (records in",
        "[results.json](results.json); this page is rendered from them). Wall time of a fresh kernel running the",
        "whole notebook (imports included). Targets: full mode < 180 s, fast mode < 60 s.",
        "",
        "| module | full mode (s) | fast mode (s) | headline results (full mode) | errors | measured |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join(lines + [row(records[m]) for m in sorted(records)]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="module ids (default: all in solutions/)")
    parser.add_argument("--fast-only", action="store_true", help="skip the full-mode runs")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: render the Markdown from the records")
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results.json"),
                        help="the records (JSON), read and updated")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.md"), help="the Markdown page")
    args = parser.parse_args()
    results_path, output = Path(args.results), Path(args.output)
    records = load(results_path)

    any_failed = False
    if not args.render_only:
        modules = args.modules or sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
        for module in modules:
            record = measure(module, args.fast_only)
            any_failed |= failed(record)
            records[module] = record
            save(results_path, records)   # after each module: a long run that stops keeps what it measured
            print(row(record), flush=True)
        print(f"wrote {results_path}")
    output.write_text(render(records))
    print(f"wrote {output}")
    return 1 if any_failed else 0


if __name__ == "__main__":
    sys.exit(main())
