"""The package's shape: imports only go down the layers, and nothing imports in a circle.

Every import is counted, including those inside functions (they hide cycles at import
time but are cycles all the same).
"""

from __future__ import annotations

import ast
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
    ("orgsim.dispatch",),
    ("orgsim.engine",),
    ("orgsim.metrics",),
    ("orgsim.cache", "orgsim.experiment"),
    ("orgsim.results",),
    ("orgsim.plots", "orgsim.verification", "orgsim.realism", "orgsim.calibrate", "orgsim.study", "orgsim.report"),
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
