"""orgsim's version, in one place: pyproject.toml reads it from here, ``orgsim --version`` prints it."""

__version__ = "0.1.0"
