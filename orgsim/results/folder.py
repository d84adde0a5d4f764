"""The output folder: how a result's files land on disk, whole or not at all.

:class:`OutputFolder` writes every file under a private name and swaps a whole new folder
in (or adds files one at a time, each renamed when complete); it refuses to replace a
folder holding files orgsim does not write.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["OutputFolder", "Files", "UndeclaredFileError", "declare", "FIGURES", "MANIFEST", "jsonable"]

_CACHE = ".runs"  # the run cache inside an output folder (see orgsim.experiment.RunCache)

_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # what operating systems leave in a folder


class UndeclaredFileError(RuntimeError):
    """A writer wrote a file it does not declare: a programming error, raised on the first
    write (add the name to the writer's ``FILES``)."""


class Files:
    """The files one writer puts in an output folder, declared by the writer: exact names or
    :mod:`fnmatch` patterns (``"q[1-8].csv"``, ``"sweep-*.png"``).  ``name in files`` tells
    whether a name is declared; ``a | b`` is both declarations."""

    def __init__(self, *patterns: str):
        for pattern in patterns:
            if not isinstance(pattern, str) or not pattern or pattern != Path(pattern).name:
                raise ValueError(f"not a file name or pattern: {pattern!r}")
        self.patterns = tuple(dict.fromkeys(patterns))

    @classmethod
    def of(cls, files) -> Files:
        """A declaration from a :class:`Files`, anything with a ``FILES`` attribute (a container
        class or instance), or an iterable of names and patterns."""
        if isinstance(files, Files):
            return files
        if hasattr(files, "FILES"):
            return cls.of(files.FILES)
        if isinstance(files, str):
            return cls(files)
        return cls(*files)

    def __contains__(self, name: str) -> bool:
        return any(fnmatchcase(name, pattern) for pattern in self.patterns)

    def __or__(self, other) -> Files:
        return Files(*self.patterns, *Files.of(other).patterns)

    def __iter__(self):
        return iter(self.patterns)

    def __eq__(self, other) -> bool:
        return isinstance(other, Files) and set(self.patterns) == set(other.patterns)

    def __hash__(self) -> int:
        return hash(frozenset(self.patterns))

    def __repr__(self) -> str:
        return f"Files({', '.join(map(repr, self.patterns))})"


def declare(*patterns: str) -> Files:
    """The files a writer writes (see :class:`Files`), e.g. ``FILES = declare("comparison.csv",
    "differences.csv")`` on a container.  A declaration is the writer's own: nothing is
    registered anywhere (an output folder recognises what it wrote by its manifest)."""
    return Files(*patterns)


# A result's figures, named by orgsim.plots (throughput.png, sweep-<metric>.png, ...).
FIGURES = declare("*.png")

# Every folder orgsim writes carries a manifest of the files it wrote: the folder is orgsim's
# to replace when every entry is in it (see OutputFolder.check).
MANIFEST = ".orgsim-files.json"

# What orgsim wrote before its folders carried a manifest (version 0.1 up to issue 19): a
# folder without a manifest that holds only these is still recognised as orgsim's.  A frozen
# record of the past, never extended: every folder written since lists its files itself.
WRITTEN_BEFORE_MANIFESTS = Files(
    *("summary.json", "replications.csv", "timeseries.csv", "people.csv", "projects.csv", "events.csv"),
    *("events.xes", "comparison.csv", "differences.csv", "sweep.csv", "sweep-summary.csv", "crossover.json"),
    *("realism.csv", "report.html", "study.json", "tradeoffs.csv", "net_benefit.csv", "it_manager_hours.csv"),
    *("headcounts.csv", "headcount_steps.csv", "sensitivity.csv", "key_numbers.csv", "q[1-8].csv"),
    *("calibration.json", "*.png"),
)


def _manifest(directory: Path) -> set[str] | None:
    """The names a folder's manifest lists (None: no manifest, or one that is not orgsim's)."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    return set(files)


def _manifest_text(names) -> str:
    return json.dumps({"written_by": "orgsim", "files": sorted(set(names))}, indent=1) + "\n"


_CREATE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create(path: Path):
    """A new file at ``path`` opened for binary writing (O_CREAT|O_EXCL|O_NOFOLLOW)."""
    return os.fdopen(os.open(path, _CREATE, 0o666), "wb")


def _written_by_orgsim(name: str, listed) -> bool:
    """Whether an entry of an existing folder is orgsim's: a file its manifest lists (or one
    of the names written before manifests), the manifest itself, the run cache, a temporary
    file of an interrupted write, or an operating system's litter."""
    return (
        name in listed
        or name in (MANIFEST, _CACHE)
        or name in _LITTER
        or (name.startswith(".") and name.endswith(".partial"))
    )


class OutputFolder:
    """Writes a result's files so that nothing is ever half there.

    ``OutputFolder.replace(directory)``, a context manager (what :func:`orgsim.plots.save`
    and the command line use), builds a whole new folder beside ``directory`` (a private
    sibling with an unpredictable name, ``.NAME.xxxxxxxx``), writes every file there, and
    when all are written swaps it in: the earlier folder is renamed aside, the new one
    renamed into place, the earlier one deleted.  So the folder always holds one whole
    run, the earlier or the new, never a mix and never a stale file of an earlier run; if
    anything fails (a full disk, Ctrl-C) the earlier folder is left as it was and the new
    one removed.  The run cache ``.runs/``, which compare and sweep fill during their runs,
    is carried over.  A folder holding files orgsim does not write is refused (see
    :meth:`check`), so that pointing ``--out`` at the wrong folder deletes nothing.

    ``OutputFolder(directory)`` adds files to a folder one at a time instead, each written
    under a hidden temporary name with a random part and renamed when whole.

    Files are declared by whoever writes them: each container has ``FILES`` (made with
    :func:`declare`), and the writer passes its declaration, ``OutputFolder.replace(directory,
    files=Results.FILES)``; writing a name it does not declare raises
    :class:`UndeclaredFileError` at once, on the first run.  Every folder written lists what
    it holds in a manifest (``.orgsim-files.json``); a folder is recognised as orgsim's
    (:meth:`check`) when every file in it is listed there (a folder from before manifests:
    when it holds only :data:`WRITTEN_BEFORE_MANIFESTS`).  Without ``files`` a writer may
    write any name (``OutputFolder(directory)`` adding files beside others, as calibrate does).

    Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW: a symlink planted at its name is
    never followed (the write fails instead); inside the new folder nobody else could have
    planted one anyway, as it is private (mode 0700) until it is swapped in.
    """

    def __init__(self, directory: str | Path, files=None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []
        self.files: Files | None = None if files is None else Files.of(files)
        self._staging: Path | None = None

    @staticmethod
    def check(directory: str | Path) -> Path:
        """The folder ``directory`` names, absolute (its parent's symlinks resolved), if it can be
        replaced: not a file-system root, not the current folder or one that holds it, not a
        symlink, and not holding files orgsim did not write (every file is listed in the
        folder's manifest; without a manifest, every file is one orgsim wrote before folders
        had one).  Otherwise an ``OSError`` whose ``strerror`` says why."""
        path = Path(os.path.abspath(directory))
        if not path.name:
            raise OSError(errno.EINVAL, f"{path} is the root of a file system; give a folder below it")
        path = Path(os.path.realpath(path.parent)) / path.name
        here = Path(os.path.realpath(os.getcwd()))
        if path == here or path in here.parents:
            raise OSError(errno.EBUSY, f"{path} is the current folder or holds it; give another folder")
        if path.is_symlink():
            raise OSError(errno.ELOOP, f"{path} is a symbolic link; give the folder it points to")
        if path.exists() and not path.is_dir():
            raise OSError(errno.ENOTDIR, f"{path} exists and is not a folder; give a folder path")
        if path.is_dir():
            try:
                names = [entry.name for entry in os.scandir(path)]
            except OSError as error:
                raise OSError(error.errno, f"cannot read {path}: {error.strerror}") from None
            listed = _manifest(path)
            known = WRITTEN_BEFORE_MANIFESTS if listed is None else listed
            foreign = sorted(name for name in names if not _written_by_orgsim(name, known))
            if foreign:
                shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
                raise OSError(
                    errno.ENOTEMPTY,
                    f"{path} holds files orgsim did not write ({shown}) and would be replaced; "
                    "give a new folder or one orgsim wrote",
                )
        return path

    @classmethod
    @contextmanager
    def replace(cls, directory: str | Path, files=None) -> Iterator[OutputFolder]:
        """Write into a new folder that replaces ``directory`` whole when the block ends
        without an exception (and is removed, leaving ``directory`` untouched, when not).
        ``files``: the writer's declaration (a :class:`Files`, a container with ``FILES``, or
        names and patterns); every name written must be in it (default: any name).  The new
        folder's manifest lists what was written."""
        declaration = None if files is None else Files.of(files)
        final = cls.check(directory)
        final.parent.mkdir(parents=True, exist_ok=True)
        _sweep_leftovers(final)
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.{os.getpid()}."))
        folder = cls.__new__(cls)
        folder.directory, folder.written, folder._staging = final, [], staging
        folder.files = declaration
        try:
            yield folder
            with _create(staging / MANIFEST) as handle:
                handle.write(_manifest_text(p.name for p in folder.written).encode("utf-8"))
            _swap(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def write(self, name: str, write) -> None:
        """``write(handle)`` writes the content to a binary file; it lands as ``name`` when complete."""
        if not name or name != Path(name).name or name in (".", ".."):
            raise ValueError(f"not a file name: {name!r}")
        if self.files is not None and name not in self.files:
            raise UndeclaredFileError(
                f"{name!r} is written but not declared ({self.files!r}): add it to its writer's FILES"
            )
        if self._staging is not None:
            with _create(self._staging / name) as handle:
                write(handle)
        else:
            temporary = self.directory / f".{name}.{secrets.token_hex(8)}.partial"
            handle = _create(temporary)
            try:
                with handle:
                    write(handle)
                os.replace(temporary, self.directory / name)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            if self.files is not None:  # a folder this writer owns: its manifest lists the file too
                self._list(name)
        self.written.append(self.directory / name)

    def _list(self, name: str) -> None:
        """Add ``name`` to the manifest of a folder written one file at a time (whole or not at all)."""
        names = (_manifest(self.directory) or set()) | {name}
        temporary = self.directory / f".{MANIFEST}.{secrets.token_hex(8)}.partial"
        try:
            with _create(temporary) as handle:
                handle.write(_manifest_text(names).encode("utf-8"))
            os.replace(temporary, self.directory / MANIFEST)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def text(self, name: str, text: str) -> None:
        self.write(name, lambda handle: handle.write(text.encode("utf-8")))

    def frame(self, name: str, frame: pd.DataFrame) -> None:
        self.write(name, lambda handle: frame.to_csv(handle, index=False))

    def figure(self, name: str, figure) -> None:
        self.write(name, lambda handle: figure.savefig(handle, dpi=110, format="png"))


def _sweep_leftovers(final: Path) -> None:
    """Remove the private folders that earlier writes to ``final`` left beside it when their
    process was killed (SIGKILL leaves no chance to clean up): each is named
    ``.NAME.PID.XXXXXXXX`` after the process that made it, and goes once that process is gone.
    A folder of a process still running (another write to the same folder) is left alone."""
    pattern = re.compile(rf"\.{re.escape(final.name)}\.(\d+)\.[a-z0-9_]{{8}}\Z")
    try:
        entries = list(final.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        found = pattern.match(entry.name)
        if not found or int(found.group(1)) == os.getpid() or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            os.kill(int(found.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except (PermissionError, OverflowError, OSError):
            continue  # alive under another user, or not a process id here: leave it


def _swap(staging: Path, final: Path) -> None:
    """Put the complete folder ``staging`` in the place of ``final``, carrying over
    ``final/.runs``; on failure ``final`` is put back as it was (``staging`` is the caller's
    to remove)."""
    if final.is_dir():
        mode = stat.S_IMODE(final.stat().st_mode)  # the earlier folder's permissions
    else:
        probe = staging / ".mode"
        probe.mkdir()  # with the mode of any new folder: 0777 less the umask
        mode = stat.S_IMODE(probe.stat().st_mode)
        probe.rmdir()
    if not os.path.lexists(final):
        os.chmod(staging, mode)
        os.rename(staging, final)
        return
    aside = final.with_name(f".{final.name}.old.{secrets.token_hex(8)}")
    cache, carried = final / _CACHE, staging / _CACHE
    moved = False
    try:
        if os.path.lexists(cache):
            os.rename(cache, carried)
            moved = True
        os.chmod(staging, mode)
        os.rename(final, aside)
        os.rename(staging, final)
    except BaseException:
        if os.path.lexists(aside) and not os.path.lexists(final):
            os.rename(aside, final)
        if moved and os.path.lexists(carried) and not os.path.lexists(cache):
            os.chmod(staging, 0o700)  # writable again, whatever mode it was given
            os.rename(carried, cache)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
