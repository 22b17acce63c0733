"""``python -m cxcheck.cli``: the ``cxcheck`` command without its script on PATH."""

import sys

from cxcheck.cli.main import main

sys.exit(main())
