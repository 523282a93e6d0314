"""Start-up benchmark: how long ``kho --help``, ``kho ocr --help`` and ``kho --version`` take.

Each command runs ``--runs`` times as a fresh process (``subprocess``, output discarded); the median
and the fastest wall time are reported beside two baselines measured in the same run: ``python -c
pass`` (the interpreter alone) and ``tesseract --version`` (the engine ``kho ocr`` drives). Then
``python -X importtime`` names the modules that cost most when ``kho ocr --help`` starts (cumulative
microseconds, one run), so a heavy import that creeps back in is easy to find. With ``--before DIR``
(a checkout of an older commit) the same commands of that tree are timed in the same run.

kho runs as ``python -m kho`` with ``PYTHONPATH`` set to the tree measured (the ``kho`` console
script of the venv does the same import plus a few milliseconds).

Usage::

    .venv/bin/python bench/startup.py              # 21 runs each, markdown table on stdout
    git worktree add /tmp/kho-before 989c921 && .venv/bin/python bench/startup.py --before /tmp/kho-before
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.3
COMMANDS = (("--version",), ("--help",), ("ocr", "--help"))


@dataclass(frozen=True)
class Timing:
    """Wall and CPU (user + system) times of one command over several runs."""

    label: str
    seconds: tuple[float, ...]
    cpu_seconds: tuple[float, ...]

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


def clean_env(tree: Path = REPO_ROOT) -> dict[str, str]:
    """The caller's environment without ``KHO_*`` settings (the defaults are measured), importing from ``tree``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["PYTHONPATH"] = str(tree)
    return env


def time_command(label: str, argv: list[str], runs: int, tree: Path = REPO_ROOT) -> Timing:
    """Run ``argv`` ``runs`` times (after one warm-up run) and keep each wall time."""
    env = clean_env(tree)
    run = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": tree, "timeout": 60}
    subprocess.run(argv, check=True, **run)  # type: ignore[call-overload]
    seconds, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, check=True, **run)  # type: ignore[call-overload]
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(label, tuple(seconds), tuple(cpu))


def parse_importtime(stderr: str) -> list[tuple[int, int, str]]:
    """``(self_us, cumulative_us, module)`` for each line of ``python -X importtime`` output."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(self_us), int(cumulative_us), name))
    return rows


def top_imports(args: list[str], top: int) -> list[tuple[int, int, str]]:
    """The ``top`` imports of ``kho ARGS`` by cumulative time (a module's time includes what it imports)."""
    code = "import sys\nfrom kho.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True, text=True,
                          env=clean_env(), cwd=REPO_ROOT, check=True, timeout=60)
    return sorted(parse_importtime(done.stderr), key=lambda row: row[1], reverse=True)[:top]


def report(timings: list[Timing], baseline: Timing, offenders: list[tuple[int, int, str]], runs: int) -> str:
    """The markdown printed (and pasted into docs/benchmarks.md)."""
    lines = [
        f"{runs} runs each of a fresh process; `python -c pass` = {baseline.median * 1000:.0f} ms median wall time; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end.",
        "",
        "| command | median wall ms | fastest wall ms | median CPU ms | wall minus `python -c pass` ms | ≤ 0.3 s |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for t in timings:
        verdict = "yes" if t.median <= TARGET_SECONDS else "**no**"
        if t.label.startswith(("`python", "`tesseract")) or t.label.endswith("before"):
            verdict = "(baseline)"
        lines.append(f"| {t.label} | {t.median * 1000:.0f} | {t.best * 1000:.0f} | {t.cpu_median * 1000:.0f} | "
                     f"{(t.median - baseline.median) * 1000:.0f} | {verdict} |")
    lines += ["", "Heaviest imports of `kho ocr --help` by cumulative time (`python -X importtime`, one run):", "",
              "| module | cumulative ms | self ms |", "|---|---:|---:|"]
    lines += [f"| `{name}` | {cumulative / 1000:.1f} | {self_us / 1000:.1f} |"
              for self_us, cumulative, name in offenders]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="Runs per command (median reported).")
    parser.add_argument("--top", type=int, default=10, help="How many imports to list.")
    parser.add_argument("--before", type=Path, help="An older checkout whose kho is timed in the same run.")
    args = parser.parse_args()
    baseline = time_command("`python -c pass`", [sys.executable, "-c", "pass"], args.runs)
    timings = [baseline]
    tesseract = shutil.which("tesseract")
    if tesseract:
        timings.append(time_command("`tesseract --version`", [tesseract, "--version"], args.runs))
    else:
        print("tesseract not found: its baseline is left out", file=sys.stderr)
    for command in COMMANDS:
        argv = [sys.executable, "-m", "kho", *command]
        timings.append(time_command(f"`kho {' '.join(command)}`", argv, args.runs))
        if args.before is not None:
            timings.append(time_command(f"`kho {' '.join(command)}` before", argv, args.runs, args.before))
    print(report(timings, baseline, top_imports(["ocr", "--help"], args.top), args.runs))
    slow = [t.label for t in timings if t.label.startswith("`kho") and not t.label.endswith("before")
            and t.median > TARGET_SECONDS]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
