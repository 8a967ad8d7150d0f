"""Benchmark: run every solution notebook in full and fast mode, record wall time and results.

Usage (from the repository root):

    .venv/bin/python benchmarks/run_notebooks.py [MODULE ...] [--fast-only] [--output benchmarks/results.md]

Each notebook runs in a fresh kernel, as a student would run it (full mode), and
as CI and nbgrader run it (``COURSE_FAST=1``). Headline figures are the values
notebooks report with ``course_utils.results.record``. Targets (course spec,
section 7): under 180 s in full mode and under 60 s in fast mode on 2 CPU cores.
Rows of modules not measured this time are kept from the existing output file,
each with the day it was measured.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="module ids (default: all in solutions/)")
    parser.add_argument("--fast-only", action="store_true", help="skip the full-mode runs")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.md"))
    args = parser.parse_args()
    modules = args.modules or sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())

    rows, failed = [], False
    for module in modules:
        fast_s, _, fast_error = run(module, fast=True)
        full_s, results, full_error = (None, [], None) if args.fast_only else run(module, fast=False)
        error = full_error or fast_error
        failed |= bool(error) or fast_s > FAST_LIMIT_S or (full_s or 0) > FULL_LIMIT_S
        figures = "<br>".join(
            f"{r['name']} = {r['value']:.4g}" + (f" (target {r['target']})" if r["target"] else "") for r in results)
        rows.append(f"| {module} | {'-' if full_s is None else f'{full_s:.0f}'} | {fast_s:.0f} | "
                    f"{figures or '-'} | {error or 'none'} | {datetime.date.today()} |")
        print(rows[-1], flush=True)

    header = [
        "# Notebook benchmark",
        "",
        f"Measured on {os.cpu_count()} cores ({cpu_name()}), Python "
        f"{platform.python_version()}, by `benchmarks/run_notebooks.py`. Wall time of a fresh kernel running the",
        "whole notebook (imports included). Targets: full mode < 180 s, fast mode < 60 s.",
        "",
        "| module | full mode (s) | fast mode (s) | headline results (full mode) | errors | measured |",
        "|---|---|---|---|---|---|",
    ]
    measured = {row.split("|")[1].strip(): row for row in rows}
    output = Path(args.output)
    if output.exists():   # keep the rows of modules not measured this time
        for line in output.read_text().splitlines():
            if line.startswith("| ") and not line.startswith(("| module", "|---")):
                module = line.split("|")[1].strip()
                measured.setdefault(module, line if line.count("|") >= 7 else line + " earlier |")
    output.write_text("\n".join(header + [measured[m] for m in sorted(measured)]) + "\n")
    print(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
