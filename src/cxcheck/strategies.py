"""Hypothesis strategies for devices, networks and cells: ``from cxcheck import strategies``.

The public home of :mod:`cxcheck.config.strategies`, where they are defined.
"""

from cxcheck.config.strategies import *  # noqa: F403
from cxcheck.config.strategies import __all__ as __all__
