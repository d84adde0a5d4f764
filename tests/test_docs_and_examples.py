"""The documentation tells the truth: the format reference is current, the README's metric
list is the catalogue, its Python code, scenario example and the examples run, ``orgsim
validate`` behaves as the README says, and the README names every verification case and
every column of ``realism.csv``."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from orgsim.catalogue import markdown_list
from orgsim.realism import COLUMNS as REALISM_COLUMNS
from orgsim.scenario.reference import reference_markdown
from tests.conftest import REPO, SCENARIOS

README = REPO / "README.md"
VALIDATION = sorted((SCENARIOS / "validation").glob("*.toml"))
EXAMPLES = sorted((REPO / "examples").glob("*.py"))
SHIPPED = sorted(SCENARIOS.glob("*.toml"))


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _run(args: list[str], cwd=REPO, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd)


def test_scenario_format_reference_is_current():
    shipped = (REPO / "docs" / "scenario-format.md").read_text(encoding="utf-8").strip()
    assert shipped == reference_markdown().strip(), "run: orgsim reference > docs/scenario-format.md"


def test_readme_quick_start_names_the_test_command_ci_runs():
    readme = _readme()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = 'pip install -e ".[test]" && pytest -n 2'
    assert command in readme and command in ci
    # the main job, on a shipped scenario
    assert "pip install -e . && orgsim study scenarios/small-combined.toml" in readme


def test_readme_metric_list_is_the_catalogue():
    found = re.search(r"^<!-- metrics:begin -->\n(.*?)\n<!-- metrics:end -->$", _readme(), re.S | re.M)
    assert found, "README.md needs the lines <!-- metrics:begin --> and <!-- metrics:end -->"
    assert found.group(1) == markdown_list(), (
        "README's metric list differs from the catalogue: put the output of "
        "python -c 'from orgsim.catalogue import markdown_list; print(markdown_list())' between the markers"
    )


def _from_python_code() -> str:
    """The python code block of the README's "From Python" section."""
    readme = _readme()
    section = readme[readme.index("\n## From Python\n") :]
    section = section[: section.find("\n## ", 1)]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.S | re.M)
    assert len(blocks) == 1, "the From Python section should hold one python code block"
    return blocks[0]


def test_readme_from_python_code_runs(tmp_path):
    code = _from_python_code()
    for name in ("orgsim.simulate", "orgsim.compare", "orgsim.sweep", "orgsim.save", "orgsim.plots."):
        assert name in code, f"the README's Python example should show {name}"
    assert re.search(r"replications=\d+", code)
    small = re.sub(r"replications=\d+", "replications=3", code)
    # and short horizons: 30 working weeks (16 of them warm-up) instead of the file's 104
    small, loads = re.subn(
        r"orgsim\.load_scenario\(([^,()]+)\)", r'orgsim.load_scenario(\1, {"simulation.horizon_weeks": 30})', small
    )
    assert loads >= 1
    outputs = tmp_path / "outputs"
    small = small.replace('"outputs/', f'"{outputs.as_posix()}/')  # write nothing into the repository
    script = tmp_path / "from_python.py"
    script.write_text(small, encoding="utf-8")
    done = _run([sys.executable, str(script)])
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert any("beats" in line or "no crossover" in line for line in done.stdout.splitlines())
    saved = {path.name for path in (outputs / "grown").iterdir()}
    assert {"summary.json", "replications.csv", "workload.png"} <= saved


def test_every_example_is_tested():
    tested = {"tweak_parameters.py", "find_breakpoint.py"}
    assert {path.name for path in EXAMPLES} == tested, "a new example needs a test here"


def test_tweak_parameters_example_prints_the_effect(tmp_path):
    script = REPO / "examples" / "tweak_parameters.py"
    done = _run([sys.executable, str(script), "-r", "5", "--out", str(tmp_path)])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split()[0] == "metric"
    utilisation = next(line for line in lines if line.startswith("IT manager utilisation"))
    before, after = (float(x) for x in utilisation.split()[-2:])
    assert after > before, "three times the staff served and twice the projects must load the manager more"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workload-grown.png", "workload-small-combined.png"]


def test_find_breakpoint_example_prints_a_crossover_sentence(tmp_path):
    script = REPO / "examples" / "find_breakpoint.py"
    done = _run([sys.executable, str(script), "-r", "3", "--weeks", "30", "--out", str(tmp_path)])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 3 and lines[2].startswith("wrote ")
    assert all(("beats" in line or "no crossover" in line) for line in lines[:2])
    assert "project lead time" in lines[0] and "IT manager utilisation" in lines[1]
    written = {p.name for p in tmp_path.iterdir()}
    assert {"sweep.csv", "sweep-summary.csv", "crossover.json", "sweep-project_lead_time_weeks_mean.png"} <= written


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_validate_accepts_every_shipped_scenario(path):
    done = _run([sys.executable, "-m", "orgsim", "validate", str(path.relative_to(REPO))])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith(f"scenarios/{path.name}: valid: '{path.stem}'")
    assert "employees" in lines[0] and "replications" in lines[0]


BAD_FILES = {
    "unknown-key": 'name = "x"\n[simulaton]\nreplications = 3\n',
    "malformed-toml": 'name = "x"\n[org\nemployees = 3\n',
    "bad-value": 'name = "x"\n[org]\nemployees = -5\n',
    "wrong-type": 'name = "x"\n[org]\nstructure = 3\n',
    "binary": "\x00\x01\x02",
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_validate_rejects_a_bad_file_in_one_line(tmp_path, content):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    done = _run([sys.executable, "-m", "orgsim", "validate", str(path)], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"orgsim: error: {path}")


@pytest.mark.parametrize(
    "args",
    [["missing.toml"], ["scenarios/small-combined.toml", "--set", "org.structure=matrix"]],
    ids=["missing-file", "bad-set"],
)
def test_validate_rejects_a_missing_file_or_bad_change_in_one_line(args):
    done = _run([sys.executable, "-m", "orgsim", "validate", *args])
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"orgsim: error: {args[0]}"), done.stderr


def _section(title_start: str) -> str:
    """The README section whose heading starts with ``## title_start``."""
    readme = _readme()
    start = readme.index(f"\n## {title_start}")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end >= 0 else len(readme)]


def test_readme_scenario_example_is_valid(tmp_path):
    blocks = re.findall(r"^```toml\n(.*?)^```$", _section("Scenarios"), re.S | re.M)
    assert len(blocks) == 1, "the Scenarios section should hold one toml code block"
    for table in ("[projects.classes.", "[[projects.scheduled]]"):
        assert table in blocks[0], f"the scenario example should show a {table} table"
    path = tmp_path / "example.toml"
    path.write_text(blocks[0], encoding="utf-8")
    done = _run([sys.executable, "-m", "orgsim", "validate", str(path)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{path}: valid: 'my-firm'")


def test_readme_shows_the_real_message_for_an_unknown_section(tmp_path):
    """The README quotes `orgsim validate my.toml` on a misspelt [simulaton]: the message,
    with its list of allowed sections, is what the command prints today."""
    (tmp_path / "my.toml").write_text(BAD_FILES["unknown-key"], encoding="utf-8")
    done = _run([sys.executable, "-m", "orgsim", "validate", "my.toml"], cwd=tmp_path)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert "'simulaton'" in message and "(allowed: " in message
    assert f"    $ orgsim validate my.toml\n    {message}\n" in _readme()


def test_readme_verify_table_names_every_verification_case():
    blocks = re.findall(r"^```\n(case .*?)^```$", _section("Is the engine right?"), re.S | re.M)
    assert len(blocks) == 1, "the verify section should hold the table orgsim verify prints"
    cases = {line.split()[0] for line in blocks[0].splitlines()[2:] if line and not line[0].isspace()}
    cases.discard("")
    expected = {path.stem for path in VALIDATION} | {"little-large-separate"}
    assert expected <= cases, f"rerun `orgsim verify --jobs 2` and paste its table: missing {expected - cases}"
    assert re.search(r"^(\d+) of \1 checks pass", blocks[0], re.M), "the table should show every check passing"


def test_readme_realism_section_names_the_command_every_column_and_strict():
    section = _section("How does my organisation compare?")
    assert "orgsim realism SCENARIO.toml" in section and "--strict" in section
    for column in REALISM_COLUMNS:
        assert f"`{column}`" in section, f"the realism section should explain the column {column}"
    assert "$ orgsim realism scenarios/large-separate.toml" in section
    assert "within the published band" in section
    assert "**calibration**" in section and "**outcome**" in section, "explain both kinds of rows"
