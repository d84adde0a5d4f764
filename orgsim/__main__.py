"""``python -m orgsim`` is the ``orgsim`` command."""

import sys

from .cli import main

sys.exit(main())
