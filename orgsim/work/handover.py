"""Where a project decision is handed over to the IT manager: the only place role clarity
acts (the latency of a hand-over, :class:`~orgsim.work.projects.ProjectOffice`), so a run whose
coordinators decide themselves is the same run at any clarity."""

from __future__ import annotations

__all__ = ["role_clarity_matters"]


def role_clarity_matters(scenario) -> bool:
    """Does ``org.role_clarity`` change anything in ``scenario``?  It sets the latency of a
    hand-over to the IT manager, and there is one only where somebody coordinates projects
    without holding escalations while somebody else holds them (a PM beside an IT manager).
    Where the IT manager coordinates (combined), a run at any clarity is the same run."""
    counts = scenario.headcounts()
    staffed = [role for role in scenario.roles if counts.get(role.name, 0) > 0]
    deciders = any("escalation" in role.duties for role in staffed)
    return deciders and any(
        "project_coordination" in role.duties and "escalation" not in role.duties for role in staffed
    )
