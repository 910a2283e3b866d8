"""Run every benchmark module in bench/ (files named bench_*.py, each with a `main()`).

A benchmark prints the figure it measures and, from the same run, the baseline it is compared
against. Benchmarks are not tests: nothing here fails the build on a number.
"""

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehome.settings")
    django.setup()
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    if not names:
        print("No benchmarks yet: add bench/bench_<name>.py with a main() function.")
        return 0
    for name in names:
        print(f"== {name}")
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
