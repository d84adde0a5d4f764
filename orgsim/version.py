"""orgsim's version (one place; the package metadata in pyproject.toml must agree)."""

__version__ = "0.1.0"
