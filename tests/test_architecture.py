"""The package's shape: imports only go down the layers, and nothing imports in a circle.

Every import is counted, including those inside functions (they hide cycles at import
time but are cycles all the same).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

import orgsim
from orgsim import work
from orgsim.engine import Model
from orgsim.metrics import measure
from tests.conftest import make_scenario

PACKAGE = Path(orgsim.__file__).resolve().parent

# lowest first; a module may import from its own layer (without a cycle) and from layers below
LAYERS = (
    (
        "orgsim.version",
        "orgsim.wording",
        "orgsim.limits",
        "orgsim.duties",
        "orgsim.catalogue",
        "orgsim.distributions",
        "orgsim.monitors",
    ),
    ("orgsim.stats", "orgsim.theory"),
    ("orgsim.scenario",),
    ("orgsim.work",),
    ("orgsim.dispatch", "orgsim.workweek"),
    ("orgsim.engine",),
    ("orgsim.metrics",),
    ("orgsim.cache", "orgsim.experiment"),
    ("orgsim.results",),
    ("orgsim.plots",),  # draws from data frames and result containers; imports no layer above
    ("orgsim.verification", "orgsim.realism", "orgsim.calibrate", "orgsim.study"),
    ("orgsim.report",),
    ("orgsim.cli", "orgsim.__main__"),
    ("orgsim",),  # the package's front door: re-exports, imports everything lazily
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """orgsim modules that ``name`` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import module" imports the module; "from module import name", the module
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            # the longest known module the target names (a module, or a name inside one)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _layer(name: str) -> int:
    best = None
    for index, members in enumerate(LAYERS):
        for member in members:
            if (name == member or name.startswith(member + ".")) and (best is None or len(member) > best[1]):
                best = (index, len(member))
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[0]


def test_every_module_has_a_layer():
    for name in _modules():
        _layer(name)


def test_imports_only_go_down():
    wrong = []
    for name, targets in _graph().items():
        for target in targets:
            if target == "orgsim" and name != "orgsim":
                wrong.append(f"{name} imports the package front door 'orgsim'")
            elif _layer(target) > _layer(name):
                wrong.append(f"{name} (layer {_layer(name)}) imports {target} (layer {_layer(target)})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle_counting_imports_inside_functions():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node, trail):
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_the_checker_sees_imports_inside_functions(tmp_path):
    """The AST walk is not blind to a lazy import (the way cycles used to hide)."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from .engine import Model\n    return Model\n")
    assert "orgsim.engine" in _imports("orgsim.probe", probe, set(_modules()) | {"orgsim.probe"})


# ------------------------------------------------------------------ a work source plugs in


TOY_SOURCE = '''
"""A toy kind of work: one 2-hour admin chore for every admin holder each day."""

from orgsim.work.source import WorkSource


class Chores(WorkSource):
    name = "chores"
    order = 90
    duties = ("admin",)

    def __init__(self, org, scenario):
        super().__init__(org, scenario)
        self.done_key = org.recorder.counter("chores_done")
        self.issued = 0
        self.finished = 0

    def start(self):
        self.org.env.process(self._daily())

    def _daily(self):
        env = self.org.env
        while True:
            for worker in self.org.holders("admin"):
                self.issued += 1
                self.org.submit("admin", 2.0, self, self._done, "chore", worker)
            yield env.timeout(self.scenario.calendar.hours_per_day)

    def _done(self, item, now):
        self.finished += 1
        self.org.recorder.counts[self.done_key] += 1

    def snapshot(self):
        return {"chores_open": self.issued - self.finished}

    def finish(self, now, live_items):
        left = sum(1 for item in live_items if item.case is self)
        self.org.recorder.state["chores_open"] = left
        return [] if self.issued == self.finished + left else ["chores lost"]

    @property
    def case_id(self):
        return "chores"


SOURCE = Chores
'''


@pytest.fixture
def toy_source_folder(tmp_path, monkeypatch):
    """A folder with one new module, added to orgsim.work's path: nothing else changes."""
    folder = tmp_path / "more_work"
    folder.mkdir()
    (folder / "chores.py").write_text(TOY_SOURCE, encoding="utf-8")
    monkeypatch.setattr(work, "__path__", [*work.__path__, str(folder)])
    yield folder


def test_a_toy_work_source_plugs_in_by_adding_one_module(toy_source_folder):
    names = [source.name for source in work.sources()]
    assert names == ["tickets", "routine", "interrupts", "recurring", "projects", "chores"]
    scenario = make_scenario(org={"employees": 40}, simulation={"horizon_weeks": 6, "warmup_weeks": 1})
    model = Model(scenario, 0)
    model.run()  # conservation includes the toy's own check
    output = measure(model)
    chores = model.sources["chores"]
    days = 6 * 5
    assert chores.issued == days  # one admin holder (the IT manager), one chore a day
    assert model.recorder.counts["chores_done"] + model.recorder.state["chores_open"] <= chores.issued
    assert model.recorder.counts["chores_done"] > 0
    # its hours show up in the IT manager's admin time: 2 h a day more than without it
    base = Model(scenario, 0, source_types=[s for s in work.sources() if s.name != "chores"])
    base.run()
    extra = (
        output.metrics["hours_per_person_week.it_manager.admin"]
        - measure(base).metrics["hours_per_person_week.it_manager.admin"]
    )
    assert extra == pytest.approx(10.0, abs=1.5)  # 2 h x 5 days, less what is still open at the end
    assert "chores_open" in model.timeseries.columns


# ------------------------------------------------------------------ size and front doors

# declaration tables: rows, not logic, so they may run long
DECLARATION_TABLES = {"orgsim.scenario.schema", "orgsim.catalogue"}
MAX_LINES = 600
IMPORTERS = ("orgsim", "tests", "benchmarks", "examples")


def test_no_module_is_over_600_lines_but_the_declaration_tables():
    long = []
    for name, path in _modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and name not in DECLARATION_TABLES:
            long.append(f"{name}: {lines} lines")
    assert not long, "split these modules (at most 600 lines):\n" + "\n".join(long)


def _packages() -> dict[str, Path]:
    return {name: path for name, path in _modules().items() if path.name == "__init__.py" and name != "orgsim"}


@functools.cache
def _tree(path: Path):
    """A file's syntax tree, parsed once for every package asked about (None: not Python 3)."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return None


def _names_imported_from(package: str) -> dict[str, set[str]]:
    """For each file outside ``package`` (in orgsim, the tests, the benchmarks and the
    examples): the names it takes from the package itself, by ``from orgsim.results import
    Results`` (or ``from .results import ...``), or as an attribute of the package bound to a
    name (``from orgsim import plots`` then ``plots.save``; ``orgsim.plots.save``)."""
    found: dict[str, set[str]] = {}
    root = PACKAGE.parent
    inside_folder = PACKAGE.joinpath(*package.split(".")[1:])
    parent, _, last = package.rpartition(".")
    for folder in IMPORTERS:
        base = root / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*.py")):
            resolved = path.resolve()
            if resolved.is_relative_to(inside_folder):
                continue
            tree = _tree(path)
            if tree is None:
                continue
            relative_to = None
            if resolved.is_relative_to(PACKAGE):
                name = _module_name(resolved)
                relative_to = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
            names: set[str] = set()
            aliases: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    base_name = node.module or ""
                    if node.level and relative_to is not None:
                        anchor = relative_to.split(".")
                        anchor = anchor[: len(anchor) - (node.level - 1)]
                        base_name = ".".join([*anchor, base_name] if base_name else anchor)
                    if base_name == package:
                        names.update(a.name for a in node.names)
                    elif base_name == parent:
                        aliases.update(a.asname or a.name for a in node.names if a.name == last)
                elif isinstance(node, ast.Import):
                    aliases.update(a.asname for a in node.names if a.name == package and a.asname)
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute):
                    owner = ast.unparse(node.value)
                    if owner in aliases or owner == package:
                        names.add(node.attr)
            if names:
                found[str(path.relative_to(root))] = names
    return found


def _documented() -> str:
    """The user's documentation (README and docs/): names a script may use though no module does."""
    root = PACKAGE.parent
    return "\n".join(p.read_text(encoding="utf-8") for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))])


def test_every_package_exports_what_the_others_import_from_it():
    """A package's ``__all__`` is its front door: every name another module (a test, a
    benchmark, an example) takes from the package is in it, and every name in it is taken by
    some module or documented for scripts (README, docs/) -- no forgotten export, no dead one."""
    import importlib
    import re

    documented = _documented()
    wrong = []
    for package in sorted(_packages()):
        module = importlib.import_module(package)
        exported = set(getattr(module, "__all__", ()))
        submodules = {name.rsplit(".", 1)[1] for name in _modules() if name.startswith(package + ".")}
        imported = _names_imported_from(package)
        used = set().union(*imported.values()) if imported else set()
        for name in sorted(used - exported - submodules):
            if name.startswith("__") and name.endswith("__"):  # a module's own attributes (__path__, __file__)
                continue
            where = sorted(f for f, names in imported.items() if name in names)[0]
            wrong.append(f"{package}: {where} takes {name!r}, which is not in its __all__")
        for name in sorted(exported - used):
            if not re.search(rf"\b{re.escape(name)}\b", documented):
                wrong.append(f"{package}: __all__ names {name!r}, which no other module takes and no doc names")
    assert not wrong, "\n".join(wrong)
