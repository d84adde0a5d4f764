"""The ``orgsim`` command: thin — parse, call the library, print what the library words.

- ``options``: the parser, the types of its arguments, the options commands share;
- ``commands``: one function per command (``COMMANDS``) and ``main``, where every error
  becomes one line on stderr and exit code 2;
- ``output``: the output folder, the run cache and the executor, checked before anything runs;

"""

from __future__ import annotations

from ..wording import printable
from .commands import COMMANDS, EXIT_BAD_INPUT, main
from .options import build_parser

__all__ = ["COMMANDS", "EXIT_BAD_INPUT", "build_parser", "main", "printable"]
