"""The device × network matrix: which names apply to a test, and the cells they expand to.

Precedence, highest first: command line (``--cx-devices``), the test's ``cx`` marker, the ini
file (``cx_devices``), then the built-in default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cxcheck.config.hosts import HostRule
from cxcheck.config.profiles import Catalogue, DeviceProfile, NetworkProfile
from cxcheck.model.errors import CxError, ThrottlingUnsupportedError
from cxcheck.model.names import DEFAULT_DEVICES, DEFAULT_NETWORKS
from cxcheck.model.text import did_you_mean

# Only Chromium can throttle: through its DevTools protocol.
CDP_ENGINES = ("chromium",)


def needs_cdp(network: NetworkProfile) -> bool:
    """Latency, throughput and a blackhole need CDP; offline alone does not."""
    return (
        network.blackhole
        or network.latency_ms > 0
        or network.down_kbps is not None
        or network.up_kbps is not None
    )


def check_engine(
    engine: str, devices: Iterable[DeviceProfile], networks: Iterable[NetworkProfile]
) -> None:
    """Refuse, before anything runs, a matrix the engine cannot really apply."""
    if engine in CDP_ENGINES:
        return
    for network in networks:
        if needs_cdp(network):
            raise ThrottlingUnsupportedError(
                f"network profile '{network.name}' throttles latency/throughput, which only "
                f"Chromium can apply (through its DevTools protocol); {engine} would run "
                "unthrottled. Use --cx-browser chromium, or choose networks 'no-throttle' "
                "or 'offline' for this engine."
            )
    for device in devices:
        if device.cpu_score is not None:
            raise ThrottlingUnsupportedError(
                f"device profile '{device.name}' asks for a CPU scoring {device.cpu_score} "
                f"(cpu / cpu_score), which only Chromium can calibrate and throttle; {engine} "
                "would run at full speed. Use --cx-browser chromium, or a device profile "
                "without cpu / cpu_score and with cpu_slowdown = 1 (extends + override)."
            )
        if device.cpu_slowdown > 1:
            raise ThrottlingUnsupportedError(
                f"device profile '{device.name}' has cpu_slowdown {device.cpu_slowdown:g}, which "
                f"only Chromium can apply; {engine} would run at full speed. Use --cx-browser "
                "chromium, or a device profile with cpu_slowdown = 1 (extends + override)."
            )


# The cx marker's own keys; each check adds the keys it reads (cxcheck.plugin.checks).
MARKER_KEYS = ("devices", "networks", "hosts", "ignore_requests", "ignore_console")
AXES = ("devices", "networks")


@dataclass(frozen=True)
class Cell:
    """One device on one network: one test item. ``hosts``: the hosts whose requests get a
    network of their own (the first rule that matches wins); every other request gets
    ``network``."""

    device: DeviceProfile
    network: NetworkProfile
    hosts: tuple[HostRule, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.device.name}-{self.network.name}"


@dataclass(frozen=True)
class Selection:
    """The names chosen for every test of the run: on the command line and in the ini file."""

    cli_devices: tuple[str, ...] = ()
    cli_networks: tuple[str, ...] = ()
    ini_devices: tuple[str, ...] = ()
    ini_networks: tuple[str, ...] = ()
    device_option: str = ""
    """pytest-playwright's ``--device``, when it is what chose ``cli_devices``."""

    @property
    def configured(self) -> bool:
        """Whether the run itself names devices or networks for every test (``--device``
        alone does not: it only chooses the device of the tests that are in the matrix)."""
        return bool(
            self.cli_networks
            or self.ini_devices
            or self.ini_networks
            or (self.cli_devices and not self.device_option)
        )


@dataclass(frozen=True)
class Choice:
    """Names chosen for one axis of the matrix, and where they were chosen."""

    names: tuple[str, ...]
    where: str


def split_names(value: str | Sequence[str] | None, *, spaces: bool = True) -> tuple[str, ...]:
    """``"a, b c"`` or ``["a", "b"]`` → ``("a", "b", "c")``.

    Markers pass ``spaces=False`` so that Playwright names such as ``"Galaxy S9+"`` stay whole.
    """
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise CxError(f"profile names must be strings, got {item!r}")
        parts = item.replace(",", " ").split() if spaces else item.split(",")
        out.extend(part.strip() for part in parts if part.strip())
    return tuple(out)


def marker_names(
    args: Sequence[Any], kwargs: Mapping[str, Any], check_keys: Sequence[str] = ()
) -> dict[str, tuple[str, ...]]:
    """Validate ``@pytest.mark.cx(devices=..., networks=...)`` (and the checks' own keys,
    ``check_keys``) and return its names."""
    known = (*MARKER_KEYS, *check_keys)
    if args:
        raise CxError(
            "@pytest.mark.cx takes keyword arguments only: "
            '@pytest.mark.cx(devices=["iphone-13"], networks=["slow-4g"])'
        )
    for key in kwargs:
        if key not in known:
            did = did_you_mean(key, known)
            raise CxError(
                f"@pytest.mark.cx got unknown argument '{key}'.{did} It takes {', '.join(known)}."
            )
    out: dict[str, tuple[str, ...]] = {}
    for key in AXES:
        if key in kwargs:
            try:
                names = split_names(kwargs[key], spaces=False)
            except CxError as exc:
                raise CxError(f"@pytest.mark.cx({key}=...): {exc}") from None
            if not names:
                raise CxError(f"@pytest.mark.cx({key}=...) is empty; name at least one profile")
            out[key] = names
    return out


def choose(
    cli: tuple[str, ...],
    marker: tuple[str, ...] | None,
    ini: tuple[str, ...],
    default: tuple[str, ...],
    option: str,
    marker_where: str | None = None,
) -> Choice:
    """Apply the precedence CLI > marker > ini > default.

    ``marker_where`` names the marker level in errors when it is not a ``cx`` marker (a journey
    file's own ``devices:``, say).
    """
    if cli:
        return Choice(cli, f"--cx-{option}")
    if marker:
        return Choice(marker, marker_where or f"@pytest.mark.cx({option}=...)")
    if ini:
        return Choice(ini, f"ini cx_{option}")
    return Choice(default, f"the default cx_{option}")


def build_cells(
    catalogue: Catalogue,
    devices: Choice,
    networks: Choice,
    engine: str = "chromium",
    hosts: tuple[HostRule, ...] = (),
) -> list[Cell]:
    """Every device × network cell, devices outermost, in the order the names were given."""
    device_profiles = catalogue.resolve_devices(devices.names, devices.where)
    network_profiles = catalogue.resolve_networks(networks.names, networks.where)
    check_engine(engine, device_profiles, network_profiles)
    if hosts and engine not in CDP_ENGINES:
        raise ThrottlingUnsupportedError(
            f"per-host networks ({hosts[0].where}) need Chromium's DevTools protocol; "
            f"{engine} cannot apply them. Use --cx-browser chromium, or drop hosts for this run."
        )
    return [Cell(d, n, hosts) for d in device_profiles for n in network_profiles]


def cells_for(
    catalogue: Catalogue,
    selection: Selection,
    devices: tuple[str, ...] | None,
    networks: tuple[str, ...] | None,
    engine: str = "chromium",
    where: str | None = None,
    hosts: tuple[HostRule, ...] = (),
) -> list[Cell]:
    """The cells of one test: its own names (a ``cx`` marker's, or a journey file's ``devices:``
    and ``networks:``) between the command line and the ini file in precedence.

    ``where`` names the test's own level in errors (``checkout.journey.yaml``); by default it is
    the ``cx`` marker.
    """
    return build_cells(
        catalogue,
        choose(selection.cli_devices, devices, selection.ini_devices, DEFAULT_DEVICES, "devices",
               f"{where} devices" if where else None),
        choose(selection.cli_networks, networks, selection.ini_networks, DEFAULT_NETWORKS,
               "networks", f"{where} networks" if where else None),
        engine,
        hosts,
    )  # fmt: skip


def axis_order(catalogue: Catalogue, selection: Selection) -> tuple[list[str], list[str]]:
    """Every device and network name in the order a matrix shows them: the run's own choice
    (command line, else ini, else the default) first, then the rest of the catalogue's."""
    devices = choose(selection.cli_devices, None, selection.ini_devices, DEFAULT_DEVICES, "devices")
    networks = choose(
        selection.cli_networks, None, selection.ini_networks, DEFAULT_NETWORKS, "networks"
    )
    try:
        chosen_d = [d.name for d in catalogue.resolve_devices(devices.names, devices.where)]
        chosen_n = [n.name for n in catalogue.resolve_networks(networks.names, networks.where)]
    except CxError:  # already reported where the names were read; the order is only cosmetic
        chosen_d, chosen_n = [], []
    return (
        list(dict.fromkeys([*chosen_d, *catalogue.devices])),
        list(dict.fromkeys([*chosen_n, *catalogue.networks])),
    )
