"""The demo customer's password, as a CI job would provide its secret: from the environment.

A real suite sets ``CXSHOP_PASSWORD`` in its CI secret store and has no default here; the demo
sets the storefront's demo customer's so that it runs on a fresh machine.
"""

import os

os.environ.setdefault("CXSHOP_PASSWORD", "correct-horse-battery")
