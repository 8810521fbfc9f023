"""Cold-synth benchmark: bluegreen against a plain cdktf app and against the floor, in one run.

Run it with ``.venv/bin/python benchmarks/synth_benchmark.py [--rounds N]``. Every measurement
is a new process, as a user's ``bluegreen synth`` is; the cases alternate inside each round so
that drift on a shared machine hits them all alike. Printed: a Markdown table of medians (and
min/max) of wall time and of peak memory (the summed RSS of the process and its children, the
jsii Node.js process included, sampled every 10 ms), then the ratios the goals are stated in.

Cases:
- ``floor``: start Python, import cdktf, load the provider's jsii assembly, exit. Nothing that
  keeps the typed provider bindings can be faster.
- ``plain``: ``plain_app.py``, the example's resources as a plain cdktf app importing the
  prebuilt provider the usual way.
- ``bluegreen``: ``bluegreen synth stacks/hello.py --no-cache``.
- ``bluegreen-N``: N deployments (each like the example's) in one stack, ``--no-cache``.
- ``all-options``: ``tests/fixtures/gateway/gateway.py``, the stack that uses every Function,
  Deployment and RestApi option, ``--no-cache``.
- ``every-door``: ``tests/fixtures/doors/doors.py``, one deployment behind every front door (a
  REST API, an HTTP API, a function URL, a load balancer target), ``--no-cache``.
- ``no-op``: ``bluegreen synth`` again on unchanged input (the synth cache).
- ``code-only``: the handler edited (Blue and Green in turn) before each run, then ``bluegreen
  synth`` with the cache warm: the code is filled into cdktf's cached output.
- ``traffic-only``: the traffic file edited (two green weights in turn) before each run, then
  ``bluegreen synth`` with the cache warm.

Each edit is made before its run's clock starts; each of the last two cases has its own copy of
the example, so its edits reach no other case.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BLUEGREEN = str(Path(sys.executable).parent / "bluegreen")
FLOOR = ("import importlib.util, sys\n"
         "spec = importlib.util.find_spec('cdktf_cdktf_provider_aws')\n"
         "sys.modules[spec.name] = importlib.util.module_from_spec(spec)\n"
         "import cdktf, cdktf_cdktf_provider_aws._jsii\n")
MANY = """\
from generator import Deployment, Function, RestApi, Route, Stack
STACKS = [Stack(name="many", region="us-east-1", deployments=[
    Deployment(name="hello" if {count} == 1 else f"svc{{i}}",
               function=Function(source="hello_src", handler="app.handler", runtime="python3.12",
                                 memory_mb=128, timeout_s=5, environment={{"LOG_LEVEL": "INFO"}}),
               alias="live", api=RestApi(stage="v1", routes=[Route("GET", "/hello")]))
    for i in range({count})])]
"""


def peak_run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak summed RSS (bytes) of ``command`` and its descendants."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, peak


def _tree_rss(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def cases(work: Path) -> dict[str, list[str]]:
    shutil.copytree(ROOT / "stacks", work / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    for count in (1, 10, 100):
        (work / "stacks" / f"many{count}.py").write_text(MANY.format(count=count))
    shutil.copytree(ROOT / "tests" / "fixtures" / "gateway", work / "all-options",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "fixtures" / "doors", work / "every-door",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = str(work / "out")
    return {
        "floor": [PYTHON, "-c", FLOOR],
        "plain": [PYTHON, str(ROOT / "benchmarks" / "plain_app.py"), str(work / "plain.out"),
                  str(work / "stacks" / "hello_src"), "1"],
        "bluegreen": [BLUEGREEN, "synth", "stacks/hello.py", "--out", out + "-hello", "--no-cache"],
        "bluegreen-1": [BLUEGREEN, "synth", "stacks/many1.py", "--out", out + "-1", "--no-cache"],
        "bluegreen-10": [BLUEGREEN, "synth", "stacks/many10.py", "--out", out + "-10", "--no-cache"],
        "bluegreen-100": [BLUEGREEN, "synth", "stacks/many100.py", "--out", out + "-100", "--no-cache"],
        "all-options": [BLUEGREEN, "synth", "all-options/gateway.py", "--out", out + "-all", "--no-cache"],
        "every-door": [BLUEGREEN, "synth", "every-door/doors.py", "--out", out + "-doors", "--no-cache"],
        "no-op": [BLUEGREEN, "synth", "stacks/hello.py", "--out", out + "-cached"],
        "code-only": [BLUEGREEN, "synth", "code-only/hello.py", "--out", out + "-code-only"],
        "traffic-only": [BLUEGREEN, "synth", "traffic-only/hello.py", "--out", out + "-traffic-only"],
    }


def edits(work: Path) -> dict[str, Callable[[], None]]:
    """What to change before each run of a case, by case: the other of two texts each time."""
    for name in ("code-only", "traffic-only"):
        shutil.copytree(ROOT / "stacks", work / name, ignore=shutil.ignore_patterns("__pycache__"))
    handler = work / "code-only" / "hello_src" / "app.py"
    blue = handler.read_text()
    assert "Blue" in blue, "the example's handler no longer says Blue: pick another edit"
    traffic = '{{"hello": {{"blue_version": "1", "green_version": "2", "green_weight": {weight}}}}}\n'
    return {"code-only": _alternate(handler, blue, blue.replace("Blue", "Green")),
            "traffic-only": _alternate(work / "traffic-only" / "hello.traffic.json",
                                       traffic.format(weight=0.1), traffic.format(weight=0.2))}


def _alternate(path: Path, *texts: str) -> Callable[[], None]:
    turns = itertools.cycle(texts)
    return lambda: path.write_text(next(turns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bluegreen-bench-"))
    env = dict(os.environ, BLUEGREEN_CACHE_DIR=str(work / "cache"),
               JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="18,20",
               JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1")
    try:
        commands, before = cases(work), edits(work)
        for name, command in commands.items():  # warm-up: jsii unpacks assemblies, the cache fills
            before.get(name, _unchanged)()
            peak_run(command, work, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[int]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(args.rounds):
            order = names[round_ % len(names):] + names[:round_ % len(names)]
            for name in order if round_ % 2 == 0 else reversed(order):
                before.get(name, _unchanged)()
                elapsed, peak = peak_run(commands[name], work, env)
                times[name].append(elapsed)
                peaks[name].append(peak)
        report(times, peaks, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(times: dict[str, list[float]], peaks: dict[str, list[int]], rounds: int) -> None:
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"cold synth, {rounds} rounds, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print("| case | median s | min s | max s | peak RSS MB (median) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values in times.items():
        print(f"| {name} | {median[name]:.2f} | {min(values):.2f} | {max(values):.2f} | "
              f"{statistics.median(peaks[name]) / 2**20:.0f} |")
    print()
    print(f"plain / bluegreen:         {median['plain'] / median['bluegreen']:.1f}x  (goal: >= 3)")
    print(f"bluegreen / floor:         {median['bluegreen'] / median['floor']:.2f}x (goal: <= 1.3)")
    print(f"bluegreen-100 / -1:        {median['bluegreen-100'] / median['bluegreen-1']:.2f}x (goal: <= 2)")
    print(f"all-options / bluegreen:   {median['all-options'] / median['bluegreen']:.2f}x (goal: <= 1.1)")
    print(f"every-door / bluegreen:    {median['every-door'] / median['bluegreen']:.2f}x (goal: <= 1.1)")
    rss_ratio = statistics.median(peaks['bluegreen']) / statistics.median(peaks['plain'])
    print(f"peak RSS bluegreen/plain:  {rss_ratio:.2f}x "
          "(goal: <= 1)")
    print(f"no-op re-synth:            {median['no-op']:.2f} s (goal: < 0.5)")
    print(f"code-only re-synth:        {median['code-only']:.2f} s (goal: <= 0.5)")
    print(f"traffic-only re-synth:     {median['traffic-only']:.2f} s (goal: <= 0.5)")


def _unchanged() -> None:
    pass


if __name__ == "__main__":
    main()
