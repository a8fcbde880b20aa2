"""`make bench`: run every benchmark script in bench/ and collect their JSON in bench/results/.

Each benchmark is a script named ``*_bench.py`` that writes its own JSON file. Extra arguments
go to every script (e.g. ``--sizes 100000`` for a quick run).
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    if not scripts:
        print("no benchmarks found", file=sys.stderr)
        return 1
    failed = 0
    for script in scripts:
        print(f"== {script.name} ==", flush=True)
        failed += subprocess.call([sys.executable, str(script), *sys.argv[1:]]) != 0
    print(f"results in {HERE / 'results'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
