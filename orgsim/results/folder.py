"""The output folder: how a result's files land on disk, whole or not at all.

:class:`OutputFolder` writes every file under a private name and swaps a whole new folder
in (or adds files one at a time, each renamed when complete); it refuses to replace a
folder holding files orgsim does not write.
"""

from __future__ import annotations

import errno
import math
import os
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

__all__ = ["OutputFolder", "Files", "UndeclaredFileError", "declare", "declared", "FIGURES", "jsonable"]

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


_DECLARED: list[Files] = []  # every declaration made, in order


def declare(*patterns: str) -> Files:
    """Declare the files a writer writes (see :class:`Files`) and return the declaration, e.g.
    ``FILES = declare("comparison.csv", "differences.csv")`` on a container.  Every declaration
    made is one that :meth:`OutputFolder.check` recognises in an existing folder."""
    files = Files(*patterns)
    _DECLARED.append(files)
    return files


def declared() -> Files:
    """Every file any writer has declared so far (and those not declared by their writer yet)."""
    return Files(*(p for files in (*_DECLARED, _NOT_YET_DECLARED) for p in files.patterns))


# A result's figures, named by orgsim.plots (throughput.png, sweep-<metric>.png, ...).
FIGURES = declare("*.png")

# Names the current version writes whose writers do not declare them yet (the study's tables
# and study.json, the report, realism.csv of `orgsim realism`): recognised in an existing
# folder so that one they wrote can be replaced.  Each goes once its writer declares it (e.g.
# ``Study.FILES = declare(...)``, ``REPORT = declare("report.html")``); nothing is added here.
_NOT_YET_DECLARED = Files(
    "realism.csv",
    "report.html",
    "study.json",
    "tradeoffs.csv",
    "net_benefit.csv",
    "it_manager_hours.csv",
    "headcounts.csv",
    "headcount_steps.csv",
    "sensitivity.csv",
    "key_numbers.csv",
    "q[1-8].csv",
)

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


def _written_by_orgsim(name: str, files: Files) -> bool:
    """Whether an entry of an existing folder is orgsim's: a declared file, the run cache,
    a temporary file of an interrupted write, or an operating system's litter."""
    return name in files or name == _CACHE or name in _LITTER or (name.startswith(".") and name.endswith(".partial"))


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
    :class:`UndeclaredFileError` at once, on the first run.  A folder is recognised as
    orgsim's (:meth:`check`) when every file in it is one that some writer declares.
    Without ``files``, ``replace`` accepts every declared name (:func:`declared`) and
    ``OutputFolder(directory)`` any name (files added beside others, as calibrate does).

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
    def check(directory: str | Path, files=None) -> Path:
        """The folder ``directory`` names, absolute (its parent's symlinks resolved), if it can be
        replaced: not a file-system root, not the current folder or one that holds it, not a
        symlink, and not holding files orgsim does not write (neither in ``files``, the
        writer's declaration, nor in any other declaration: :func:`declared`).  Otherwise an
        ``OSError`` whose ``strerror`` says why."""
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
            known = declared() if files is None else declared() | files
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
        names and patterns); every name written must be in it (default: any declared name)."""
        declaration = declared() if files is None else Files.of(files)
        final = cls.check(directory, declaration)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}."))
        folder = cls.__new__(cls)
        folder.directory, folder.written, folder._staging = final, [], staging
        folder.files = declaration
        try:
            yield folder
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
        self.written.append(self.directory / name)

    def text(self, name: str, text: str) -> None:
        self.write(name, lambda handle: handle.write(text.encode("utf-8")))

    def frame(self, name: str, frame: pd.DataFrame) -> None:
        self.write(name, lambda handle: frame.to_csv(handle, index=False))

    def figure(self, name: str, figure) -> None:
        self.write(name, lambda handle: figure.savefig(handle, dpi=110, format="png"))


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
