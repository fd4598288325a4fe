"""``ulinzi bench NAME [options]``: run a benchmark from the repository's ``bench/`` folder.

Each benchmark is ``bench/<name>_bench.py`` with ``main(argv) -> int``; it parses its
own options and prints its figures beside a baseline measured in the same run.
Benchmarks never run in the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

HELP = "run a benchmark (bench/<name>_bench.py) and print its figures"
BENCHES = {
    "alerts": "alerts_bench.py",
    "analysis": "analysis_bench.py",
    "import": "import_bench.py",
    "export": "export_bench.py",
    "linkage": "linkage_bench.py",
    "linkage-engines": "linkage_engines_bench.py",
    "estimate": "estimate_bench.py",
    "load": "load_bench.py",
    "real-files": "real_files_bench.py",
    "search": "search_bench.py",
}
BENCH_DIR = Path(__file__).resolve().parents[3] / "bench"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=[*BENCHES, "all"])
    parser.add_argument("options", nargs=argparse.REMAINDER, help="options of the benchmark")
    parser.set_defaults(handler=run)


def _load(filename: str) -> ModuleType:
    path = BENCH_DIR / filename
    if not path.exists():
        raise SystemExit(f"{path} not found: benchmarks run from a checkout of the repository")
    spec = importlib.util.spec_from_file_location(f"ulinzi_bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run(args: argparse.Namespace) -> int:
    names = list(BENCHES) if args.name == "all" else [args.name]
    status = 0
    for name in names:
        options = args.options if args.name != "all" else []
        status |= int(_load(BENCHES[name]).main(options) or 0)
    return status
