"""How the plugin wires load runs (see :mod:`cxcheck.checks.protocol`).

Load's fixture, ``cx_load``, stays with the plugin's own: its ``cx_load`` marker runs the load
around the test's call, and its progress lines go to pytest's terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxcheck.checks.protocol import CheckSpec, CliOption, IniSetting, RunContext

if TYPE_CHECKING:
    from cxcheck.load.runner import LoadSettings

OPT_LOAD_ALLOW = "cx_load_allow_host"


def read_settings(run: RunContext) -> LoadSettings:
    """--cx-load-allow-host and ini cx_load_allow_host: hosts besides loopback for load."""
    from cxcheck.load.runner import LoadSettings

    hosts = (*(run.option(OPT_LOAD_ALLOW) or ()), *(run.ini("cx_load_allow_host") or ()))
    return LoadSettings(allow_hosts=tuple(h.strip() for h in hosts if h.strip()))


CHECK = CheckSpec(
    name="load",
    kind="load",
    fixture_module=None,
    options=(
        CliOption("--cx-load-allow-host", OPT_LOAD_ALLOW,
                  "let cx_load send load to this host (name or host:port; repeatable; adds to "
                  "ini cx_load_allow_host); without it load goes to loopback addresses only",
                  {"metavar": "HOST", "action": "append", "default": []}),
    ),
    ini=(
        IniSetting("cx_load_allow_host", "hosts (one per line) cx_load may send load to "
                   "besides loopback addresses", "linelist", []),
    ),
    read_settings=read_settings,
)  # fmt: skip
