"""Peak memory of 1 and 5 simulated years of the 1,500-employee large-separate scenario.

Run:  python benchmarks/memory.py [--years 1 5] [--top 12]

Each measurement runs in a fresh subprocess (one replication, warm-up 8 weeks, no event
log), so that nothing from an earlier run or from the imports of this script counts:

- peak RSS: ``ru_maxrss`` of a child that runs ``orgsim.simulate`` without tracemalloc
  (tracemalloc's own bookkeeping would inflate it); what the imports and a 2-week run
  before it take is printed too (most of the RSS: numpy, pandas, scipy, matplotlib);
- tracemalloc peak: a second child runs the same with tracemalloc on, and also dumps two
  snapshots: the engine state right after ``Model.run()`` (the model and its output still
  alive) and what the ``Results`` of ``simulate`` keep (after a garbage collection).

The parent then compares the 5-year snapshots with the 1-year ones and prints the
allocation sites that grow most with the horizon.  The last line is JSON.  Target (issue
4): the 5-year peak at most 1.2 x the 1-year peak.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "large-separate.toml"
TARGET_RATIO = 1.2
WARMUP_WEEKS = 8
MB = 2**20


# ------------------------------------------------------------------------ the child


def _scenario(years: float):
    from orgsim import load_scenario

    return load_scenario(
        SCENARIO,
        {
            "simulation.horizon_weeks": 52 * years,
            "simulation.warmup_weeks": WARMUP_WEEKS,
            "simulation.replications": 1,
        },
    )


def _label(years: float) -> str:
    return f"{years:g}"


def _child(years: float, trace: bool, snapshot_dir: str | None) -> dict:
    import orgsim
    from orgsim.engine import Model

    scenario = _scenario(years)
    # a short run first, so that lazy imports (pandas, scipy) and caches are not counted
    orgsim.simulate(scenario.with_changes({"simulation.horizon_weeks": 2, "simulation.warmup_weeks": 1}), jobs=1)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result: dict = {"years": years, "employees": scenario.org.employees, "rss_before_run_mb": baseline_kb / 1024}
    if trace:
        run = Model.run

        def run_and_snapshot(model):
            """Model.run, then the engine's state while the model and its output are alive."""
            output = run(model)
            current, peak = tracemalloc.get_traced_memory()
            result["tracemalloc_engine_peak_mb"] = peak / MB
            result["tracemalloc_engine_end_mb"] = current / MB
            if snapshot_dir:
                tracemalloc.take_snapshot().dump(os.path.join(snapshot_dir, f"engine-{_label(years)}y.snap"))
            return output

        Model.run = run_and_snapshot
        tracemalloc.start(8)
    start = time.perf_counter()
    results = orgsim.simulate(scenario, replications=1, jobs=1)
    result["seconds"] = time.perf_counter() - start
    result["tickets_resolved"] = round(results.metric("tickets_per_week.total") * (52 * years - WARMUP_WEEKS))
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        result["tracemalloc_peak_mb"] = peak / MB
        # the finished Model is a reference cycle (its parts point back at it): it and the daily
        # rows it holds stay alive until the cyclic collector runs; count only what Results keeps
        result["tracemalloc_before_gc_mb"] = current / MB
        gc.collect()
        result["tracemalloc_results_mb"] = tracemalloc.get_traced_memory()[0] / MB
        if snapshot_dir:
            tracemalloc.take_snapshot().dump(os.path.join(snapshot_dir, f"results-{_label(years)}y.snap"))
        tracemalloc.stop()
    else:
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# ----------------------------------------------------------------------- the parent


def _run_child(years: float, trace: bool, snapshot_dir: str | None) -> dict:
    command = [sys.executable, __file__, "--child", _label(years)]
    if trace:
        command.append("--trace")
    if snapshot_dir:
        command += ["--snapshots", snapshot_dir]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if done.returncode != 0:
        sys.exit(f"child for {years} years failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if not trace and after > before:  # the largest child so far: its ru_maxrss as the parent sees it
        result["peak_rss_children_mb"] = after / 1024
    return result


def _keep(frame_filename: str) -> bool:
    return not any(part in frame_filename for part in ("tracemalloc", "<frozen importlib", "linecache"))


def _growth(snapshot_dir: str, kind: str, short: float, long: float, top: int) -> list[dict]:
    """Allocation sites of the ``kind`` snapshot that grow most from ``short`` to ``long`` years."""
    filters = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib*")]
    one = tracemalloc.Snapshot.load(os.path.join(snapshot_dir, f"{kind}-{_label(short)}y.snap"))
    five = tracemalloc.Snapshot.load(os.path.join(snapshot_dir, f"{kind}-{_label(long)}y.snap"))
    one, five = one.filter_traces(filters), five.filter_traces(filters)
    sites = []
    for stat in five.compare_to(one, "traceback")[: top * 3]:
        if stat.size_diff <= 0:
            continue
        frames = [f for f in stat.traceback if _keep(f.filename)]
        here = frames[-1] if frames else stat.traceback[-1]  # traceback is oldest-first: innermost last
        via = [f"{_short(f.filename)}:{f.lineno}" for f in frames[-4:-1]]
        sites.append(
            {
                "site": f"{_short(here.filename)}:{here.lineno}",
                "code": _line(here.filename, here.lineno),
                "via": via,
                f"mb_{short}y": (stat.size - stat.size_diff) / MB,
                f"mb_{long}y": stat.size / MB,
                "growth_mb": stat.size_diff / MB,
                "blocks_growth": stat.count_diff,
            }
        )
        if len(sites) == top:
            break
    return sites


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _line(filename: str, lineno: int) -> str:
    import linecache

    return linecache.getline(filename, lineno).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=float, nargs=2, default=(1, 5), metavar=("SHORT", "LONG"))
    parser.add_argument("--top", type=int, default=10, help="growing allocation sites to show")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--snapshots", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.child, args.trace, args.snapshots)))
        return

    short, long = (int(y) if float(y).is_integer() else y for y in args.years)
    with tempfile.TemporaryDirectory(prefix="orgsim-memory-") as snapshots:
        rss = {y: _run_child(y, trace=False, snapshot_dir=None) for y in (short, long)}
        traced = {y: _run_child(y, trace=True, snapshot_dir=snapshots) for y in (short, long)}
        growth = {kind: _growth(snapshots, kind, short, long, args.top) for kind in ("engine", "results")}

    for y in (short, long):
        r, t = rss[y], traced[y]
        print(
            f"{y} simulated year(s) of {r['employees']:,} employees ({r['tickets_resolved']:,} tickets resolved, "
            f"{r['seconds']:.1f} s): peak RSS {r['peak_rss_mb']:.1f} MB (imports and a 2-week run "
            f"{r['rss_before_run_mb']:.1f} MB), tracemalloc peak {t['tracemalloc_peak_mb']:.2f} MB "
            f"(engine alone {t['tracemalloc_engine_peak_mb']:.2f} MB; "
            f"Results keep {t['tracemalloc_results_mb']:.2f} MB, "
            f"{t['tracemalloc_before_gc_mb']:.2f} MB before the finished model is collected)"
        )
    for kind, label in (("engine", "right after Model.run()"), ("results", "kept by the Results of simulate()")):
        print(f"\nallocation sites that grow from {short} to {long} years, {label}:")
        for site in growth[kind]:
            via = f"  <- {' <- '.join(reversed(site['via']))}" if site["via"] else ""
            print(
                f"  {site['growth_mb']:+8.3f} MB ({site[f'mb_{short}y']:.3f} -> {site[f'mb_{long}y']:.3f}), "
                f"{site['blocks_growth']:+,} blocks  {site['site']}: {site['code']}{via}"
            )
    ratio_rss = rss[long]["peak_rss_mb"] / rss[short]["peak_rss_mb"]
    ratio_traced = traced[long]["tracemalloc_peak_mb"] / traced[short]["tracemalloc_peak_mb"]
    print(
        f"\nratio {long} y / {short} y: RSS {ratio_rss:.2f}, tracemalloc {ratio_traced:.2f} "
        f"(target <= {TARGET_RATIO}: {'met' if ratio_traced <= TARGET_RATIO else 'NOT met'})"
    )
    result = {
        "scenario": "large-separate",
        "employees": rss[short]["employees"],
        f"peak_rss_mb_{short}y": round(rss[short]["peak_rss_mb"], 1),
        f"peak_rss_mb_{long}y": round(rss[long]["peak_rss_mb"], 1),
        "ratio_rss": round(ratio_rss, 3),
        "rss_before_run_mb": round(rss[short]["rss_before_run_mb"], 1),
        f"tracemalloc_peak_mb_{short}y": round(traced[short]["tracemalloc_peak_mb"], 2),
        f"tracemalloc_peak_mb_{long}y": round(traced[long]["tracemalloc_peak_mb"], 2),
        "ratio_tracemalloc": round(ratio_traced, 3),
        f"tracemalloc_engine_peak_mb_{short}y": round(traced[short]["tracemalloc_engine_peak_mb"], 2),
        f"tracemalloc_engine_peak_mb_{long}y": round(traced[long]["tracemalloc_engine_peak_mb"], 2),
        "target_ratio": TARGET_RATIO,
        "top_growth": [
            {"where": kind, "site": s["site"], "growth_mb": round(s["growth_mb"], 3)}
            for kind in ("engine", "results")
            for s in growth[kind][:5]
        ],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
