"""What a calibration says in words: the scenario file (TOML) and the report's lines.

The scenario file's comments state every fitted value and its basis; its first line is
:data:`HEADER`, so that calibrate replaces a file it wrote and refuses any other
(:func:`refuse_foreign`).  What an export cannot tell (effort as against waiting; how many
people work in IT) stays at orgsim's defaults, and the file says so.

These functions read the fit's ``data`` (what ``calibration.json`` holds) and the working day's
start; :class:`~orgsim.calibrate.fit.Calibration` calls them as ``scenario_toml()`` and
``report()``.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from ..scenario import ScenarioError
from ..wording import format_number, percent, printable
from .clock import WEEKDAYS, time_of_day

__all__ = ["HEADER", "scenario_name", "scenario_toml", "report_lines", "refuse_foreign"]

HEADER = "# Fitted by orgsim calibrate"  # the first line of every scenario it writes


def _n(value) -> str:
    return format_number(value)


def _pct(share) -> str:
    return percent(share, 1)


def scenario_name(text: str) -> str:
    """A valid scenario name from a file name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).replace("..", ".").strip("-._")[:100].strip("-._")
    return name if name and name[0].isalnum() else "calibrated"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_list(values) -> str:
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def scenario_toml(d: dict, name: str, day_start: float, employees: int | None) -> str:
    """The scenario file of the fit ``d`` (``Calibration.data``), named ``name``: every fitted
    value with its basis in comments; the rest keeps orgsim's defaults."""
    rows, window, arrivals, prof, mix = d["rows"], d["window"], d["arrivals"], d["profile"], d["mix"]
    source = printable(Path(d["source"]).name)
    lines = _wrap(
        f"{HEADER[2:]} from {source} ({d['orgsim_calibrate']['format']} columns): {rows['read']:,} rows,"
        f" {rows['tickets']:,} tickets, {rows['dropped_total']:,} rows dropped (see calibration.json)."
    )
    lines += _wrap(
        f"Observation window: tickets opened {window['first_opened'][:10]} to {window['last_opened'][:10]};"
        f" rate and profile from {arrivals['tickets']:,} tickets in {window['whole_weeks_used']} whole working"
        f" weeks, {window['used_from']} to {window['used_to']}." + _left_out_sentence(window)
    )
    outside = prof["outside_working_hours"]
    lines += _wrap(
        f"Working calendar: {d['orgsim_calibrate']['working_calendar']}; {_pct(outside['share'])} of the"
        f" arrivals fall outside it (weekends {_pct(outside['weekend_share'])}, evenings and nights"
        f" {_pct(outside['evening_night_share'])}) and count in the next working hour."
    )
    lines.append("#")
    lines += _wrap("What an export cannot tell: " + "; ".join(d["cannot_tell"]) + ".")
    lines += _wrap("Defaults kept: " + "; ".join(d["defaults_kept"]) + ".")
    lines.append(f"name = {_toml_string(name)}")
    description = (
        f"fitted by orgsim calibrate from {source}: {arrivals['tickets']:,} tickets in"
        f" {window['whole_weeks_used']} working weeks from {window['used_from']}"
    )
    lines.append(f"description = {_toml_string(description)}")
    lines.append("")
    rate = arrivals["tickets_per_working_week"]
    low, high = arrivals["ci95"]
    rate_text = (
        f"{_n(rate)} tickets per working week (95% CI {_n(low)} to {_n(high)}, {arrivals['ci_basis']};"
        f" {arrivals['tickets']:,} tickets in {arrivals['weeks']} whole weeks)"
    )
    if employees:
        lines += ["[org]", f"# employees served: {employees:,} (--employees)", f"employees = {employees}", ""]
    lines.append("[tickets]")
    if employees:
        lines += _wrap(
            f"{rate_text} = {_n(arrivals['per_employee_per_month'])} tickets per employee per month"
            f" ({arrivals['per_employee_basis']})"
        )
        lines.append(f"per_employee_per_month = {round(arrivals['per_employee_per_month'], 5)!r}")
    else:
        lines += _wrap(
            f"{rate_text}. tickets.per_employee_per_month and org.employees keep orgsim's defaults: the rate per"
            f" employee {arrivals['per_employee_basis']}."
        )
    lines.append("")
    if mix["fitted"]:
        lines.append("[tickets.mix]")
        lines += _wrap(_mix_sentence(mix))
        for klass, share in mix["shares"].items():
            lines.append(f"{klass} = {float(share)!r}  # {mix['tickets'][klass]:,} tickets")
        lines.append("")
    lines.append("[tickets.profile]")
    lines += _wrap(
        "Relative arrival rate, mean 1: weekday Monday first, hour from the start of the working day."
        f" Basis: {prof['basis']}."
    )
    lines += _wrap(
        "weekday: "
        + ", ".join(
            f"{WEEKDAYS[i]} {v:g} (n {n:,})"
            for i, (v, n) in enumerate(zip(prof["weekday"], prof["weekday_tickets"], strict=True))
        )
    )
    lines += _wrap(
        "hour: "
        + ", ".join(
            f"{time_of_day(day_start + i)} {v:g} (n {n:,})"
            for i, (v, n) in enumerate(zip(prof["hour"], prof["hour_tickets"], strict=True))
        )
    )
    lines.append(f"weekday = {_toml_list(prof['weekday'])}")
    lines.append(f"hour = {_toml_list(prof['hour'])}")
    lines.append("")
    lines += _escalation_comments(d["escalated"])
    lines += _resolution_comments(d["resolution"], d["sla"])
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 116) -> list[str]:
    return ["# " + line for line in textwrap.wrap(printable(text), width - 2, break_on_hyphens=False)] or ["#"]


def _left_out_sentence(window) -> str:
    parts = []
    for f in window["weeks_left_out"]:
        what = "partial week" if f["kind"] == "partial" else "week that looks truncated"
        rate = f" ({f['tickets']:,} tickets, {_pct(f['rate_vs_median_week'])} of the median week's rate)"
        parts.append(f"the {f['edge']} {what} (of {f['week_of']}){rate}")
    return (" Left out: " + "; ".join(parts) + ".") if parts else ""


def _mix_sentence(mix) -> str:
    text = f"Shares of the {mix['known']:,} tickets with a known class"
    if mix["unmapped"]:
        reasons = ", ".join(f"{k} x {v:,}" for k, v in mix["unmapped_by_reason"].items())
        text += f"; {mix['unmapped']:,} unmapped and left out ({reasons})"
    if mix["classes_not_seen"]:
        text += (
            f". Not in the export, so share 0: {', '.join(mix['classes_not_seen'])} (an incident export holds no"
            " requests or changes: add them if your desk handles them)"
        )
    return text + "."


def _escalation_comments(esc) -> list[str]:
    if esc["share"] is None:
        return []
    lines = _wrap(
        f"Escalated ({esc['basis']}): {_pct(esc['share'])} of {esc['known']:,} tickets. If every ticket starts at"
        " your service desk (level 1), 1 - this share is a class's l1_resolution_share; the export cannot tell,"
        " so the defaults stand. To use the fit, uncomment:"
    )
    for name, entry in esc["by_class"].items():
        if entry["tickets"] >= 20:
            lines.append(f"# [tickets.classes.{name}]")
            lines.append(
                f"# l1_resolution_share = {entry['suggested_l1_resolution_share']!r}  # {entry['tickets']:,} tickets,"
                f" {_pct(entry['share'])} escalated; default {entry['default_l1_resolution_share']:g}"
            )
    lines.append("")
    return lines


def _resolution_comments(res, sla) -> list[str]:
    lines = _wrap(
        f"Resolution times in {res['clock']}; {res['meaning']}. {res['method']}. Targets for orgsim's"
        " ticket_resolution_hours_p50 / _p90 metrics, not inputs:"
    )
    for name, entry in res["by_class"].items():
        if not entry.get("fitted"):
            lines += _wrap(f"{name}: {entry['resolved']} resolved, too few to fit")
            continue
        q = entry["quantiles"]
        text = (
            f"{name}: {entry['resolved']:,} resolved + {entry['open']:,} open; lognormal mu {entry['mu']:.3f}"
            f" sigma {entry['sigma']:.3f} (mean {_n(entry['mean_hours'])} h, cv {_n(entry['cv'])});"
            f" p50 {_n(q['p50']['fitted'])} h (observed {_n(q['p50']['observed'])}),"
            f" p90 {_n(q['p90']['fitted'])} h (observed {_n(q['p90']['observed'])})"
        )
        if name in sla["by_class"]:
            s = sla["by_class"][name]
            text += f"; made_sla {_pct(s['attainment'])} of {s['tickets']:,}"
        if "within_default_sla" in entry:
            w = entry["within_default_sla"]
            text += f"; {_pct(w['share_observed'])} within orgsim's default {w['sla_hours']:g} h target"
        lines += _wrap(text)
    if sla["attainment"] is not None:
        lines += _wrap(f"SLA attainment (made_sla): {_pct(sla['attainment'])} of {sla['known']:,} resolved tickets.")
    return lines


def report_lines(d: dict, day_start: float) -> list[str]:
    """The fit ``d`` (``Calibration.data``) in lines for the terminal."""
    rows, window, arrivals, prof, mix = d["rows"], d["window"], d["arrivals"], d["profile"], d["mix"]
    meta = d["orgsim_calibrate"]
    lines = [
        f"calibrate {d['source']}: {meta['format']} columns; dates {meta['dates']}",
        "  columns: " + ", ".join(f"{k}={v}" for k, v in meta["columns"].items()),
        f"  rows: {rows['read']:,} read -> {rows['tickets']:,} tickets; {rows['earlier_states_merged']:,} earlier"
        f" states merged ({meta['audit_rows']})",
    ]
    if rows["dropped"]:
        lines.append(
            f"  dropped {rows['dropped_total']:,} rows: " + "; ".join(f"{r}: {n:,}" for r, n in rows["dropped"].items())
        )
    else:
        lines.append("  dropped 0 rows")
    if rows["unreadable_cells"]:
        lines.append(
            "  unreadable timestamps (cells): " + ", ".join(f"{k} {v:,}" for k, v in rows["unreadable_cells"].items())
        )
    for note in rows["notes"]:
        lines.append(f"  note: {note}")
    lines.append(
        f"  window: opened {window['first_opened'][:16]} to {window['last_opened'][:16]}; fitted on"
        f" {window['whole_weeks_used']} whole working weeks, {window['used_from']} to {window['used_to']}"
    )
    for f in window["weeks_left_out"]:
        if f["kind"] == "truncated":
            lines.append(
                f"  truncated: the {f['edge']} week (of {f['week_of']}) has {f['tickets']:,} tickets, "
                f"{_pct(f['rate_vs_median_week'])} of the median week's rate: arrivals look cut off there; left out"
            )
        else:
            lines.append(f"  partial: the {f['edge']} week (of {f['week_of']}) is only partly in the window; left out")
    low, high = arrivals["ci95"]
    text = (
        f"  arrivals: {_n(arrivals['tickets_per_working_week'])} tickets per working week (95% CI {_n(low)} to"
        f" {_n(high)})"
    )
    if arrivals["per_employee_per_month"] is not None:
        text += f" = {_n(arrivals['per_employee_per_month'])} per employee per month at {arrivals['employees']:,}"
    else:
        text += f"; per employee per month {arrivals['per_employee_basis']}"
    lines.append(text)
    outside = prof["outside_working_hours"]
    lines.append(
        "  profile: weekday "
        + " ".join(f"{WEEKDAYS[i]} {v:.2f}" for i, v in enumerate(prof["weekday"]))
        + "; hour "
        + " ".join(f"{time_of_day(day_start + i)[:2]}h {v:.2f}" for i, v in enumerate(prof["hour"]))
    )
    lines.append(
        f"  outside working hours: {_pct(outside['share'])} of arrivals (weekends {_pct(outside['weekend_share'])},"
        f" evenings and nights {_pct(outside['evening_night_share'])}), counted in the next working hour"
    )
    sep = prof["separable"]
    if sep.get("p_value") is not None:
        verdict = "consistent with" if sep["p_value"] >= 0.01 else "departs from"
        lines.append(
            f"  weekday x hour: {verdict} one hour-of-day shape on every weekday (chi-square {sep['chi2']:.1f},"
            f" {sep['dof']} df, p = {sep['p_value']:.3g})"
        )
    if mix["fitted"]:
        lines.append(
            "  mix: "
            + ", ".join(f"{k} {_pct(v)}" for k, v in mix["shares"].items() if v)
            + (
                f"; {mix['unmapped']:,} unmapped ("
                + ", ".join(f"{k} x {v:,}" for k, v in mix["unmapped_by_reason"].items())
                + ")"
                if mix["unmapped"]
                else ""
            )
        )
    else:
        lines.append(f"  mix: only {mix['known']:,} tickets with a known class: the default mix is kept")
    esc = d["escalated"]
    if esc["share"] is not None:
        lines.append(
            f"  escalated (reassigned or more than one group): {_pct(esc['share'])} of {esc['known']:,}; by class "
            + ", ".join(f"{k} {_pct(v['share'])}" for k, v in esc["by_class"].items())
        )
    res = d["resolution"]
    lines.append("  resolution time, working hours (lead time, not effort): lognormal fit, p50 / p90 fitted (observed)")
    for name, entry in res["by_class"].items():
        if not entry.get("fitted"):
            continue
        q = entry["quantiles"]
        lines.append(
            f"    {name:<16} n {entry['resolved']:>6,} (+{entry['open']:,} open)  mu {entry['mu']:6.3f} sigma"
            f" {entry['sigma']:5.3f}  p50 {_n(q['p50']['fitted'])} ({_n(q['p50']['observed'])})  p90"
            f" {_n(q['p90']['fitted'])} ({_n(q['p90']['observed'])})"
        )
    if res["excluded"]:
        lines.append(
            "  no resolution time (counted in arrivals, not in the fit): "
            + "; ".join(f"{k}: {v:,}" for k, v in res["excluded"].items())
        )
    sla = d["sla"]
    if sla["attainment"] is not None:
        lines.append(
            f"  SLA attainment (made_sla): {_pct(sla['attainment'])} of {sla['known']:,} resolved; "
            + ", ".join(f"{k} {_pct(v['attainment'])}" for k, v in sla["by_class"].items())
        )
    lines.append("  an export cannot tell: " + "; ".join(c.split(":")[0] for c in d["cannot_tell"]))
    lines.append("  defaults kept: " + "; ".join(d["defaults_kept"]))
    return lines


def refuse_foreign(path: Path) -> None:
    """A scenario file that exists and was not written by calibrate is not overwritten."""
    if path.is_dir():
        raise ScenarioError("-o", f"{printable(path)} is a folder; give a scenario file name", "command line")
    if path.exists() and not path.is_symlink() and not path.is_file():  # not opened: a FIFO blocks, a device never ends
        raise ScenarioError(
            "-o",
            f"{printable(path)} is not a regular file (a pipe, device or socket); give a scenario file name",
            "command line",
        )
    if path.exists() or path.is_symlink():
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                first = handle.readline(len(HEADER) + 1)
        except OSError as error:
            raise ScenarioError("-o", f"cannot read {printable(path)}: {error.strerror}", "command line") from None
        if path.is_symlink() or not first.startswith(HEADER):
            raise ScenarioError(
                "-o",
                f"{printable(path)} exists and was not written by orgsim calibrate; give a new file name",
                "command line",
            )
