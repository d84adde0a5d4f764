"""The cache of finished runs: what makes an interrupted compare or sweep continue where it
stopped.

An entry is data, never code: one JSON document per replication, of an explicit schema
(:data:`CACHE_SCHEMA`), holding the run's key fields (the resolved scenario's hash, the seed,
the replication, orgsim's version and :func:`code_fingerprint`) and sealed with a sha256 of its
bytes.  Anything unreadable, damaged, foreign or written by other code is discarded and run
again with a one-line notice; no symbolic link is ever followed.  A *task* here is anything
with ``scenario``, ``seed`` and ``replication`` (:class:`orgsim.experiment.Task`).
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import hashlib
import json
import math
import os
import re
import secrets
import stat
import struct
import sys
from array import array
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np

from .engine import DailySeries
from .metrics import ReplicationOutput
from .version import __version__

__all__ = ["RunCache", "CACHE_SCHEMA", "code_fingerprint", "output_to_data", "output_from_data"]


CACHE_SCHEMA = 2  # the layout of an entry; raise it whenever the layout or a field changes
_FORMAT = "orgsim run cache"
_JSON = {"ensure_ascii": True, "separators": (",", ":"), "allow_nan": False}
_MISFIT = f"its data do not fit cache schema {CACHE_SCHEMA}"
_NAN_BITS = struct.pack(">d", math.nan).hex()
_TYPECODES = "bBhHiIlLqQfd"  # the array typecodes of numbers
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_PLAIN = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# POSIX: folders are held open and names resolved relative to them, so no link is ever followed
_AT = os.open in os.supports_dir_fd and bool(_NOFOLLOW and _DIRECTORY)


@functools.cache
def code_fingerprint() -> str:
    """sha256 over the source of every module of this orgsim, in order of relative path: a change
    to the model's code changes it, and with it every key of the run cache.  Once per process."""
    return _source_fingerprint(Path(__file__).resolve().parent)


def _source_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for relative, path in sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*.py")):
        for part in (relative.encode(), path.read_bytes()):
            digest.update(len(part).to_bytes(8, "big"))  # length first: no two trees hash alike
            digest.update(part)
    return digest.hexdigest()


class _Discard(Exception):
    """Why a cache entry cannot be used: one short reason, the same for every entry of its kind."""


def _check(condition, reason: str = _MISFIT) -> None:
    if not condition:
        raise _Discard(reason)


# Each field of ReplicationOutput as plain JSON and back, exactly: floats are written by repr
# (which reads back bit for bit), non-finite ones as {"float": "nan" | "inf" | "-inf"} (a NaN
# other than the usual one with its "bits"), tuples as lists made tuples again, and a
# DailySeries as its typed columns in order.


def _integer(value) -> int:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"the run cache stores a whole number here, not {value!r}")


def _text(value) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"the run cache stores text here, not {value!r}")


def _number(value):
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"the run cache stores a number here, not {value!r}")
    if isinstance(value, int | np.integer):
        return int(value)
    if not isinstance(value, float | np.floating):
        raise TypeError(f"the run cache stores a number here, not {value!r}")
    value = float(value)
    if math.isfinite(value):
        return value
    if not math.isnan(value):
        return {"float": "inf" if value > 0 else "-inf"}
    bits = struct.pack(">d", value).hex()
    return {"float": "nan"} if bits == _NAN_BITS else {"float": "nan", "bits": bits}


def _scalar(value):
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    return _number(value)


def _from_integer(data) -> int:
    _check(isinstance(data, int) and not isinstance(data, bool))
    return data


def _from_text(data) -> str:
    _check(isinstance(data, str))
    return data


def _from_number(data):
    if isinstance(data, float) or (isinstance(data, int) and not isinstance(data, bool)):
        return data
    _check(isinstance(data, dict))
    if data in ({"float": "nan"}, {"float": "inf"}, {"float": "-inf"}):
        return float(data["float"])
    bits = data.get("bits")
    _check(data.keys() == {"float", "bits"} and data["float"] == "nan" and isinstance(bits, str))
    _check(re.fullmatch(r"[0-9a-f]{16}", bits) is not None)
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    _check(math.isnan(value))
    return value


def _from_scalar(data):
    return data if data is None or isinstance(data, str | bool) else _from_number(data)


def _from_list(data) -> list:
    _check(isinstance(data, list))
    return data


def _from_dict(data) -> dict:
    _check(isinstance(data, dict))
    return data


def _tuple(values) -> list:
    if isinstance(values, tuple):
        return [_scalar(v) for v in values]
    raise TypeError(f"the run cache stores a tuple here, not {values!r}")


def _series(series) -> list:
    if not isinstance(series, DailySeries):
        raise TypeError(f"the run cache stores a DailySeries here, not {series!r}")
    return [
        {"name": _text(name), "typecode": column.typecode, "values": [_number(v) for v in column]}
        for name, column in series.columns.items()
    ]


def _from_series(data) -> DailySeries:
    series = DailySeries()
    for column in _from_list(data):
        _check(isinstance(column, dict) and list(column) == ["name", "typecode", "values"])
        name, typecode = _from_text(column["name"]), column["typecode"]
        _check(typecode in _TYPECODES and name not in series.columns)
        series.columns[name] = array(typecode, [_from_number(v) for v in _from_list(column["values"])])
    _check(len({len(column) for column in series.columns.values()}) <= 1)
    return series


# field: (to data, from data), in the order of ReplicationOutput's fields
_CODECS = {
    "replication": (_integer, _from_integer),
    "metrics": (
        lambda m: {_text(k): _number(v) for k, v in m.items()},
        lambda d: {k: _from_number(v) for k, v in _from_dict(d).items()},
    ),
    "timeseries": (_series, _from_series),
    "people": (
        lambda people: [{_text(k): _scalar(v) for k, v in p.items()} for p in people],
        lambda d: [{k: _from_scalar(v) for k, v in _from_dict(p).items()} for p in _from_list(d)],
    ),
    "ticket_times": (
        lambda t: {_text(k): [_integer(n) for n in v] for k, v in t.items()},
        lambda d: {k: [_from_integer(n) for n in _from_list(v)] for k, v in _from_dict(d).items()},
    ),
    "project_lead_times": (
        lambda values: [_number(v) for v in values],
        lambda d: [_from_number(v) for v in _from_list(d)],
    ),
    "warnings": (
        lambda values: [_text(v) for v in values],
        lambda d: [_from_text(v) for v in _from_list(d)],
    ),
    "projects": (
        lambda values: [_tuple(t) for t in values],
        lambda d: [tuple(_from_scalar(v) for v in _from_list(t)) for t in _from_list(d)],
    ),
    "project_arrivals": (
        lambda values: [_tuple(t) for t in values],
        lambda d: [tuple(_from_scalar(v) for v in _from_list(t)) for t in _from_list(d)],
    ),
    "open_projects": (
        lambda values: [_tuple(t) for t in values],
        lambda d: [tuple(_from_scalar(v) for v in _from_list(t)) for t in _from_list(d)],
    ),
}
assert list(_CODECS) == [f.name for f in dataclasses.fields(ReplicationOutput)], "a field without a cache codec"


def output_to_data(output: ReplicationOutput) -> dict:
    """``output`` as plain JSON data (cache schema :data:`CACHE_SCHEMA`); see :func:`output_from_data`."""
    return {name: encode(getattr(output, name)) for name, (encode, _) in _CODECS.items()}


def output_from_data(data) -> ReplicationOutput:
    """The exact ``ReplicationOutput`` that :func:`output_to_data` was given; raises ``ValueError``
    when ``data`` does not fit the schema."""
    try:
        return _output_from_data(data)
    except _Discard as reason:
        raise ValueError(str(reason)) from None


def _output_from_data(data) -> ReplicationOutput:
    _check(isinstance(data, dict) and list(data) == list(_CODECS))
    try:
        return ReplicationOutput(**{name: decode(data[name]) for name, (_, decode) in _CODECS.items()})
    except (TypeError, ValueError, OverflowError, AttributeError) as error:  # e.g. a value that fits no array
        raise _Discard(_MISFIT) from error


# An entry is one JSON object whose last member is "sha256": the digest of the bytes before it
# (closed with "}"), so any change to any byte of what it holds is found, not only one that
# changes a value.
_SEALED = re.compile(rb'(\{.*),"sha256":"([0-9a-f]{64})"\}', re.DOTALL)


def _seal(document: dict) -> bytes:
    """``document`` as JSON bytes with the sha256 of those bytes as a last member."""
    body = json.dumps(document, **_JSON).encode("ascii")
    return body[:-1] + b',"sha256":"' + hashlib.sha256(body).hexdigest().encode("ascii") + b'"}'


def _unseal(data: bytes) -> dict:
    """The document :func:`_seal` wrote, if every byte of it is as written."""
    sealed = _SEALED.fullmatch(data)
    if sealed is None:
        _parse(data)  # not JSON at all, or JSON of another kind
        raise _Discard("not an orgsim run-cache entry")
    body = sealed[1] + b"}"
    _check(hashlib.sha256(body).hexdigest().encode("ascii") == sealed[2], "its checksum does not match (damaged)")
    document = _parse(body)
    _check(isinstance(document, dict), "not an orgsim run-cache entry")
    return document


def _parse(data: bytes):
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Discard("not JSON (perhaps a pickle from an older orgsim, or damaged)") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def _read_entry(data: bytes, key: dict) -> ReplicationOutput:
    """The output an entry holds, after checking that it is whole and is the run ``key`` names."""
    document = _unseal(data)
    _check(document.get("format") == _FORMAT, "not an orgsim run-cache entry")
    _check(_same(document.get("schema"), CACHE_SCHEMA), "written under another cache schema")
    _check(document.get("fields") == list(_CODECS), "written for other fields")
    written = document.get("key")
    _check(isinstance(written, dict) and written.keys() == key.keys(), "not an orgsim run-cache entry")
    _check(_same(written["version"], key["version"]), "written by another version of orgsim")
    _check(_same(written["code"], key["code"]), "written by other model code")
    _check(_same(written["scenario"], key["scenario"]), "copied from another scenario")
    _check(_same(written["seed"], key["seed"]), "copied from a run with another seed")
    _check(_same(written["replication"], key["replication"]), "copied from another replication")
    output = _output_from_data(document.get("payload"))
    _check(_same(output.replication, key["replication"]), "copied from another replication")
    return output


def _entry(key: dict, output: ReplicationOutput) -> bytes:
    document = {"format": _FORMAT, "schema": CACHE_SCHEMA, "fields": list(_CODECS), "key": key}
    document["payload"] = output_to_data(output)
    return _seal(document)


class _Folder:
    """A folder reached without following a symbolic link.  On POSIX it is held open and names
    in it are resolved relative to it (``dir_fd``): a link swapped in above it later cannot
    redirect a read or a write."""

    def __init__(self, path: Path, fd: int | None):
        self.path, self.fd = path, fd

    def at(self, name: str) -> str:
        """``name`` as the ``os`` functions take it along with ``dir_fd=self.fd``."""
        return name if self.fd is not None else str(self.path / name)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    @staticmethod
    def open(path: Path, target: str, dir_fd: int | None) -> _Folder | None:
        """None if absent; raises _Discard if it is a link or no folder."""
        try:
            status = os.stat(target, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        _check(not stat.S_ISLNK(status.st_mode), "a symbolic link (not followed)")
        _check(stat.S_ISDIR(status.st_mode), "not a folder")
        if not _AT:  # pragma: no cover - not POSIX
            return _Folder(path, None)
        try:
            fd = os.open(target, os.O_RDONLY | _NOFOLLOW | _DIRECTORY | _PLAIN, dir_fd=dir_fd)
        except FileNotFoundError:
            return None
        except OSError as error:  # e.g. a link put there since the look
            raise _Discard(f"cannot be opened ({error.strerror})") from None
        return _Folder(path, fd)

    def folder(self, name: str, create: bool) -> _Folder | None:
        if create:
            with suppress(FileExistsError):
                os.mkdir(self.at(name), dir_fd=self.fd)
        return _Folder.open(self.path / name, self.at(name), self.fd)

    def read(self, name: str) -> bytes | None:
        """The bytes of a regular file, None if absent; raises _Discard for anything else."""
        flags = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _PLAIN  # a planted FIFO does not block
        try:
            fd = os.open(self.at(name), flags, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as error:
            link = error.errno in (errno.ELOOP, getattr(errno, "EMLINK", errno.ELOOP))
            raise _Discard("a symbolic link (not followed)" if link else f"unreadable ({error.strerror})") from None
        with os.fdopen(fd, "rb") as handle:
            _check(stat.S_ISREG(os.fstat(handle.fileno()).st_mode), "not a regular file")
            return handle.read()

    def write(self, name: str, data: bytes) -> None:
        """Write to a new file of an unpredictable name, then rename it over ``name``: the entry
        is whole or absent, and a link planted at ``name`` is replaced, never followed."""
        temporary = f".{name}.{secrets.token_hex(8)}.partial"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _PLAIN
        fd = os.open(self.at(temporary), flags, 0o666, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(self.at(temporary), self.at(name), src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            with suppress(OSError):
                os.unlink(self.at(temporary), dir_fd=self.fd)
            raise

    def remove(self, name: str) -> None:
        """Delete ``name`` if possible (a link itself, never what it points to)."""
        with suppress(OSError):
            os.unlink(self.at(name), dir_fd=self.fd)


class RunCache:
    """Finished runs on disk, so that an interrupted sweep continues where it stopped.

    Replication ``k`` of a task is ``<directory>/<key>/replication-k.json``, where the key
    hashes the resolved scenario (without ``simulation.replications``), the seed, orgsim's
    version and :func:`code_fingerprint`, so changing the model's code starts afresh.  An entry
    is data, never code: JSON of schema :data:`CACHE_SCHEMA` holding its own key fields and a
    sha256 of its content.  An entry that is unreadable, damaged, changed, copied from another
    run or written by other code is discarded (deleted if possible) and run again, with a
    one-line notice on stderr per reason.  Entries are written to a temporary name and
    renamed: each is whole or absent.  No symbolic link is followed: a ``directory`` that is
    one is not used (nothing is cached), and one planted in it is removed.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._noticed: set[str] = set()

    @staticmethod
    def key_fields(task) -> dict:
        """What an entry is the run of; written into it and checked on reading."""
        data = task.scenario.to_dict()
        data["simulation"].pop("replications", None)  # how many we run does not change run k
        scenario = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        return {
            "scenario": scenario,
            "seed": task.seed,
            "replication": task.replication,
            "version": __version__,
            "code": code_fingerprint(),
        }

    @staticmethod
    def key(task) -> str:
        """The folder of a task's entries: every key field but the replication (the file name)."""
        fields = RunCache.key_fields(task)
        del fields["replication"]
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:20]

    @staticmethod
    def _name(task) -> str:
        return f"replication-{task.replication}.json"

    def load(self, task) -> ReplicationOutput | None:
        """The cached output of ``task``, or None: not cached, or discarded."""
        with self._folder(task, create=False) as folder:
            if folder is None:
                return None
            name = self._name(task)
            try:
                data = folder.read(name)
                return None if data is None else _read_entry(data, self.key_fields(task))
            except _Discard as reason:
                folder.remove(name)
                self._notice(str(reason), f"discarded cached run {folder.path / name}: {reason}; running it again")
                return None

    def store(self, task, output: ReplicationOutput) -> None:
        data = _entry(self.key_fields(task), output)
        with self._folder(task, create=True) as folder:
            if folder is None:
                return
            try:
                folder.write(self._name(task), data)
            except OSError as error:
                self._notice("store", f"cannot cache finished runs in {folder.path} ({error.strerror}); not cached")

    def _notice(self, reason: str, message: str) -> None:
        """``message`` on stderr, the first time for ``reason`` only."""
        if reason not in self._noticed:
            self._noticed.add(reason)
            print(f"orgsim: notice: {message}", file=sys.stderr)

    @contextmanager
    def _folder(self, task, create: bool):
        """The open folder of ``task``'s entries, or None: absent (when not creating) or refused."""
        runs = self._runs(create)
        entries = None
        try:
            if runs is not None:
                entries = self._entries(runs, self.key(task), create)
            yield entries
        finally:
            for folder in (entries, runs):
                if folder is not None:
                    folder.close()

    def _entries(self, runs: _Folder, key: str, create: bool) -> _Folder | None:
        for _ in range(2 if create else 1):  # after removing a link in its place, make the folder once
            try:
                return runs.folder(key, create)
            except OSError as error:  # cannot make it
                self._notice("store", f"cannot cache finished runs in {runs.path} ({error.strerror}); not cached")
                return None
            except _Discard as reason:
                runs.remove(key)  # a link, or a file where the folder belongs
                self._notice(str(reason), f"discarded cached runs {runs.path / key}: {reason}; running them again")
        return None

    def _runs(self, create: bool) -> _Folder | None:
        if create:
            try:
                self.directory.parent.mkdir(parents=True, exist_ok=True)
                with suppress(FileExistsError):
                    os.mkdir(self.directory)
            except OSError as error:
                self._notice("runs", f"cannot create {self.directory} ({error.strerror}); finished runs are not cached")
                return None
        try:
            return _Folder.open(self.directory, str(self.directory), None)
        except _Discard as reason:
            self._notice("runs", f"{self.directory} is {reason}; finished runs are not cached")
            return None
