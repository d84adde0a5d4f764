"""What the study runs: its plan (sizes, structures, cultures, replications, the role-clarity
values, the one-at-a-time sensitivity, the reference size and the small firm), checked
against the user's options (:func:`study_plan`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario import PRESET_NAMES, STUDY_STRUCTURES, Scenario
from ..scenario.roles import CULTURES

__all__ = [
    "CLARITY_VALUES",
    "DEFAULT_SIZES",
    "DEFAULT_STRUCTURES",
    "QUICK_CLARITY_VALUES",
    "QUICK_REPLICATIONS",
    "QUICK_SIZES",
    "REFERENCE_SIZE",
    "SENSITIVITY",
    "SMALL_FIRM",
    "STUDY_REPLICATIONS",
    "StudyPlan",
    "study_plan",
]

DEFAULT_SIZES: tuple[int, ...] = (25, 50, 100, 200, 400, 800, 1600)
QUICK_SIZES: tuple[int, ...] = (25, 100, 400)
DEFAULT_STRUCTURES: tuple[str, ...] = STUDY_STRUCTURES  # the PRESETS rows the study runs by default
STUDY_REPLICATIONS = 10
QUICK_REPLICATIONS = 3
CLARITY_VALUES: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
QUICK_CLARITY_VALUES: tuple[float, ...] = (0.0, 0.5, 1.0)
REFERENCE_SIZE = 400  # Q6-Q8 at the grid size nearest this: two PMs, a head of IT
SMALL_FIRM = 40  # Q4 at the scenario's size when it is a small firm (at most 100), else this
# one parameter at a time, (path, low, high); culture comes from the culture experiment
SENSITIVITY: tuple[tuple[str, float, float], ...] = (
    ("projects.arrival_scale", 0.5, 2.0),
    ("org.role_clarity", 0.0, 1.0),
)


@dataclass(frozen=True)
class StudyPlan:
    """What the study runs: sizes, structures (the first is the baseline, ``combined``),
    cultures, replications, role-clarity values, the one-at-a-time sensitivity (on every
    size but the largest, where runs cost most and the crossover seldom lies: it keeps the
    study within its time and the replications whole), the reference size (Q6-Q8) and the
    small firm (Q4)."""

    sizes: tuple[int, ...]
    structures: tuple[str, ...]
    cultures: tuple[str, ...]
    replications: int
    sensitivity_sizes: tuple[int, ...]
    clarity: tuple[float, ...]
    sensitivity: tuple[tuple[str, float, float], ...]
    reference_size: int
    small_firm: int
    quick: bool = False

    @property
    def culture(self) -> str:
        """The culture the answer is given for: the first asked."""
        return self.cultures[0]

    @property
    def other_culture(self) -> str:
        return next(c for c in CULTURES if c != self.culture)


def study_plan(
    scenario: Scenario,
    sizes=None,
    structures=None,
    cultures=None,
    replications: int | None = None,
    quick: bool = False,
) -> StudyPlan:
    """The plan for ``scenario``; a ValueError names the option and what is allowed."""
    if scenario.org.structure == "custom" or scenario.role_changes:
        changed = ", ".join(c.name for c in scenario.role_changes) or "its own roles"
        raise ValueError(
            f"roles: the study re-structures the organisation into each preset, which a scenario with roles of its "
            f"own ({changed}) would distort; remove the [roles] changes, or compare your structures with orgsim "
            "compare"
        )
    sizes = tuple(QUICK_SIZES if quick else DEFAULT_SIZES) if sizes is None else tuple(sizes)
    if len(sizes) < 3 or any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in sizes):
        raise ValueError(f"--sizes: expected three or more whole numbers of employees >= 1, found {list(sizes)}")
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"--sizes: each size once, found {list(sizes)}")
    sizes = tuple(sorted(sizes))
    structures = DEFAULT_STRUCTURES if structures is None else tuple(structures)
    allowed = list(PRESET_NAMES)
    unknown = [s for s in structures if s not in allowed]
    if unknown:
        raise ValueError(f"--structures: unknown {unknown[0]!r}; allowed: {', '.join(allowed)}")
    if len(set(structures)) != len(structures):
        raise ValueError(f"--structures: each structure once, found {list(structures)}")
    if "combined" not in structures or "separate" not in structures:
        raise ValueError("--structures: the question needs combined and separate among them")
    structures = ("combined", *[s for s in structures if s != "combined"])
    cultures = (scenario.org.culture,) if cultures is None else tuple(cultures)
    if not cultures or any(c not in CULTURES for c in cultures) or len(set(cultures)) != len(cultures):
        raise ValueError(f"--cultures: expected one or both of {', '.join(CULTURES)}, found {list(cultures)}")
    if replications is None:
        replications = QUICK_REPLICATIONS if quick else STUDY_REPLICATIONS
    if replications < 3:
        raise ValueError(f"--replications: a study needs at least 3 for its intervals, found {replications}")
    reference = min(sizes, key=lambda n: abs(math.log(n / REFERENCE_SIZE)))
    small = scenario.org.employees if scenario.org.employees <= 100 else SMALL_FIRM
    return StudyPlan(
        sizes=sizes,
        structures=structures,
        cultures=cultures,
        replications=int(replications),
        sensitivity_sizes=sizes[:-1] if len(sizes) > 3 else sizes,
        clarity=QUICK_CLARITY_VALUES if quick else CLARITY_VALUES,
        sensitivity=SENSITIVITY,
        reference_size=reference,
        small_firm=small,
        quick=quick,
    )
