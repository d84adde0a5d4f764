"""The realism table: every benchmark that applies, its band beside the simulated value, which
rows ``--strict`` judges (:func:`calibrated`), the printed table, and realism at other sizes
(:func:`realism_at`, for the study's "what it rests on")."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..results import Results
from ..stats import mean_interval
from ..wording import format_number
from .benchmarks import BENCHMARKS, INPUT_ECHO, MEASURED, Benchmark
from .measures import Estimate

__all__ = ["COLUMNS", "FILES", "calibrated", "format_realism", "judged", "realism", "realism_at", "realism_title"]

FILES = ("realism.csv",)  # what `orgsim realism` adds to its folder

COLUMNS = [
    "quantity",
    "published",
    "band_low",
    "band_high",
    "source",
    "simulated",
    "ci_low",
    "ci_high",
    "within",
    "kind",
    "basis",
]


def _estimate(value) -> Estimate:
    if isinstance(value, Estimate):
        return value
    return Estimate(*mean_interval(value))


def realism(results: Results, benchmarks: tuple[Benchmark, ...] = BENCHMARKS) -> pd.DataFrame:
    """Every benchmark that applies to the run: the published band beside the simulated mean
    and its 95% confidence interval over replications; ``within``: the mean lies in the band
    (NaN, nothing measured, is not within; a row with a ``judge`` is judged by it);
    ``kind``: calibration (the organisation is real) or outcome (what its structure achieves);
    ``basis``: measured (the run produces it) or input echo (the scenario sets it)."""
    rows = []
    for benchmark in benchmarks:
        if not benchmark.applies(results):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):  # nothing measured (0 / 0) is NaN, said as n/a
            mean, low, high = _estimate(benchmark.value(results))
        band_low, band_high = benchmark.band(results)
        if benchmark.judge is not None:
            within = benchmark.judge(results)
        else:  # a lower bound only (more than half of a class still open, CI to inf) is not within
            within = band_low <= mean <= band_high and not math.isinf(high)
        rows.append(
            {
                "quantity": benchmark.quantity,
                "published": benchmark.published,
                "band_low": band_low,
                "band_high": band_high,
                "source": benchmark.source,
                "simulated": mean,
                "ci_low": low,
                "ci_high": high,
                "within": bool(within),
                "kind": "outcome" if benchmark.outcome else "calibration",
                "basis": benchmark.basis,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def judged(table: pd.DataFrame) -> pd.DataFrame:
    """The rows ``--strict`` judges: measured calibration rows (input echoes only show that the
    scenario's inputs are the published ones; outcomes are findings about the structure)."""
    return table[(table["kind"] == "calibration") & (table["basis"] == MEASURED)]


def calibrated(table: pd.DataFrame) -> bool:
    """Every measured calibration row within its band (what ``--strict`` requires)."""
    return bool(judged(table)["within"].all())


def _interval(low: float, high: float) -> str:
    if np.isnan(low):
        return "n/a"
    if math.isinf(high):
        return f"at least {format_number(low)}"
    return f"{format_number(low)} to {format_number(high)}"


def format_realism(table: pd.DataFrame, title: str) -> str:
    """The comparison as a plain-text table, the measured rows first, then the input echoes."""
    lines = [title]
    width = max([len(q) for q in table["quantity"]] + [8])
    header = f"  {'quantity':<{width}}  {'band':>15}  {'simulated':>10}  {'95% CI':>19}  ok"
    for basis, heading in (
        (MEASURED, "measured (the simulation produces it; --strict judges the calibration rows)"),
        (INPUT_ECHO, "input echoes (the scenario sets it; not judged by --strict)"),
    ):
        rows = table[table["basis"] == basis]
        if rows.empty:
            continue
        lines += [f" {heading}", header]
        for row in rows.itertuples(index=False):
            band = f"{format_number(row.band_low)}-{format_number(row.band_high)}"
            simulated = format_number(row.simulated)
            mark = "yes" if row.within else ("outside (outcome)" if row.kind == "outcome" else "NO")
            if basis == INPUT_ECHO and not row.within:
                mark = "outside (input)"
            ci = _interval(row.ci_low, row.ci_high)
            lines.append(f"  {row.quantity:<{width}}  {band:>15}  {simulated:>10}  {ci:>19}  {mark}")
    strict = judged(table)
    echoes = table[table["basis"] == INPUT_ECHO]
    outcomes = table[table["kind"] == "outcome"]
    lines.append(
        f"measured calibration: {int(strict['within'].sum())} of {len(strict)} within the published band; "
        f"input echoes: {int(echoes['within'].sum())} of {len(echoes)}; "
        f"outcomes of this structure: {int(outcomes['within'].sum())} of {len(outcomes)}"
    )
    return "\n".join(lines)


def realism_title(scenario, results) -> str:
    """The title of the table that sets a run's measurements beside published figures."""
    return (
        f"{scenario.name}: {len(results.replications)} replications, {scenario.org.employees:,} employees, "
        f"structure {scenario.org.structure}: measurements beside published figures"
    )


def realism_at(
    scenario,
    sizes: Iterable[int],
    *,
    runs: Mapping[int, Results] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = 1,
) -> pd.DataFrame:
    """The realism table of ``scenario`` at each organisation size in ``sizes`` (employees),
    one block per size with an ``employees`` column first: what an answer about a size rests
    on.  ``runs`` maps a size to a run already made (the study's own points: no second run);
    the other sizes are simulated with ``replications``, ``seed`` and ``jobs``."""
    from ..results import simulate

    runs = dict(runs or {})
    tables = []
    for size in sizes:
        results = runs.get(size)
        if results is None:
            point = scenario.with_changes({"org.employees": int(size)})
            results = simulate(point, replications=replications, seed=seed, jobs=jobs, progress=False)
        table = realism(results)
        table.insert(0, "employees", int(size))
        tables.append(table)
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["employees", *COLUMNS])
