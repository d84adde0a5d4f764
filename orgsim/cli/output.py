"""Where a command writes, checked before anything runs: the output folder, the run cache in
it, the executor ``--dask`` asks for, and writing that fails in one line naming ``--out``.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..scenario import ScenarioError
from ..wording import printable

__all__ = ["cache", "executor", "output_folder", "write", "written_line"]


def output_folder(args, name: str) -> Path:
    """The output folder, checked before anything runs.  It is not created here: the results
    are written beside it and swapped in whole (``OutputFolder.replace``), so it must be one
    that orgsim may replace; realism adds its one file to the folder instead."""
    from ..results import OutputFolder

    folder = Path(args.out) if args.out else Path("outputs") / name
    _check_name_lengths(folder, given=bool(args.out), command=args.command)
    if folder.exists() and not folder.is_dir():
        raise ScenarioError("--out", f"{folder} exists and is not a folder; give a folder path", "command line")
    if folder.is_dir() and os.path.ismount(folder):
        raise ScenarioError(
            "--out",
            f"{folder} is a mount point, which orgsim cannot replace whole; give a new folder inside it",
            "command line",
        )
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):  # refused now, not after every run
        raise ScenarioError("--out", f"cannot write into {folder}: permission denied (read-only)", "command line")
    if args.command not in ("realism", "calibrate"):  # these add their files to the folder
        try:
            OutputFolder.check(folder)
        except OSError as error:
            raise ScenarioError("--out", error.strerror or str(error), "command line") from None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScenarioError("--out", f"cannot create {folder}: {error.strerror}", "command line") from None
    if not os.access(folder.parent, os.W_OK | os.X_OK):
        raise ScenarioError("--out", f"cannot create {folder}: permission denied", "command line")
    return folder


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system of ``folder``'s nearest existing
    ancestor allows (255 where it does not say)."""
    probe = Path(os.path.abspath(folder))
    while not os.path.exists(probe) and probe != probe.parent:
        probe = probe.parent
    try:
        return os.pathconf(probe, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _check_name_lengths(folder: Path, given: bool, command: str) -> None:
    """Every part of the output folder's path within the file system's limit on a name, less
    room for the private sibling the results are written in (``.NAME.xxxxxxxx``) and the
    aside name of the earlier folder (``.NAME.old.xxxxxxxxxxxxxxxx``)."""
    limit = _name_max(folder) - len(".old.") - 17
    for part in folder.parts:
        size = len(os.fsencode(part))
        if size <= limit:
            continue
        shown = part[:40] + "..."
        if given:
            message = f"the folder name {shown} is {size:,} bytes; allowed: at most {limit} bytes: give a shorter --out"
        else:
            message = (
                f"the default folder name {shown} is {size:,} bytes; allowed: at most {limit} bytes: "
                f"give --out with a shorter name, e.g. --out outputs/{command}"
            )
        raise ScenarioError("--out", message, "command line")


@contextmanager
def executor(args):
    """The executor --dask asks for, or None for the default process pool."""
    if not getattr(args, "dask", None):
        yield None
        return
    from ..experiment import dask_executor

    stack = ExitStack()
    try:  # only reaching the cluster is the --dask option's fault; errors of the runs are their own
        found = stack.enter_context(dask_executor(args.dask, args.jobs))
    except (RuntimeError, ValueError, TypeError) as error:  # no Dask, or an address it cannot parse
        raise ScenarioError("--dask", str(error), "command line") from None
    except OSError as error:
        raise ScenarioError("--dask", f"cannot reach the cluster at {args.dask}: {error}", "command line") from None
    with stack:
        yield found


def cache(folder: Path):
    """The cache of finished runs kept in the output folder (``.runs``)."""
    from ..experiment import RunCache

    return RunCache(folder / ".runs")


def write(save, folder: Path):
    """``save()``; an error writing is one line about ``--out``."""
    try:
        return save()
    except OSError as error:  # the folder is as it was: results are swapped in whole or not at all
        reason = error.strerror or str(error)
        raise ScenarioError("--out", f"cannot write to {folder}: {reason}", "command line") from None


def written_line(written, folder: Path) -> str:
    """The last line of a command that wrote a folder: how many files, and their names."""
    return printable(f"wrote {len(written)} files to {folder}/: " + ", ".join(p.name for p in written))
