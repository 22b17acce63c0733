"""Device and network profiles: the data model, the catalogue, and building it from files.

The built-in catalogue lives in ``profiles/*.toml``; users add or override profiles and sets
with files of the same schema (:mod:`cxcheck.config.profilefiles` reads them into raw tables).
Here each profile is built over the chain it ``extends`` and validated, with errors naming the
file, line, profile and field. Names not in the catalogue come from Playwright's device
registry (:mod:`cxcheck.config.playwright_devices`). Everything here is plain data and pure
functions; nothing imports a browser.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

from cxcheck.config.playwright_devices import playwright_slugs, registry, slugify
from cxcheck.config.profilefiles import (
    ALL_SET,
    RawCatalogue,
    RawProfile,
    RawSet,
    builtin_files,
    merge_document,
    parse_toml,
    read_file_into,
)
from cxcheck.model.errors import ProfileError, UnknownProfileError
from cxcheck.model.text import did_you_mean, suggest

DeviceClass = Literal["phone", "tablet", "desktop"]

DEVICE_CLASSES: tuple[str, ...] = ("phone", "tablet", "desktop")
COLOR_SCHEMES: tuple[str, ...] = ("light", "dark", "no-preference")
REDUCED_MOTIONS: tuple[str, ...] = ("reduce", "no-preference")

# Ranges that catch typos and unit mistakes (kbit/s given as bit/s, px given as physical px).
VIEWPORT_RANGE = (100, 8000)
SCREEN_RANGE = (100, 16000)
PIXEL_RATIO_RANGE = (0.5, 8.0)
CPU_SLOWDOWN_RANGE = (1.0, 100.0)
# Lighthouse BenchmarkIndex scores a device's CPU stands for (the scores Chrome DevTools
# calibrates its presets to: a Pixel 5 class phone, a Moto G4 Power 2022 class one), and the
# fixed factor each runs at where calibration cannot (DevTools' older presets).
CPU_TIERS: dict[str, tuple[int, float]] = {"mid-tier": (1000, 4.0), "low-tier": (264, 6.0)}
# A score under 10 is no phone sold this century; over 100 000 no machine reaches.
CPU_SCORE_RANGE = (10, 100_000)
LATENCY_RANGE = (0.0, 60_000.0)
THROUGHPUT_RANGE = (0.001, 100_000_000.0)  # kbit/s; zero would mean "never arrives"
TIMEOUT_FACTOR_RANGE = (1.0, 20.0)
# A page that needs this many round trips and bytes is what Playwright's default timeouts are
# sized for unthrottled: a network's timeout factor is how much longer it takes to arrive there.
TIMEOUT_PAGE_ROUND_TRIPS = 3
TIMEOUT_PAGE_KBIT = 8000  # 1 MB
TIMEOUT_BASE_S = 5.0  # Playwright's expect() default
TIMEOUT_FACTOR_MAX = 10.0

DEVICE_FIELDS = (
    "label",
    "class",
    "viewport",
    "screen",
    "pixel_ratio",
    "user_agent",
    "mobile",
    "touch",
    "cpu_slowdown",
    "cpu",
    "cpu_score",
    "color_scheme",
    "reduced_motion",
    "locale",
    "source",
    "extends",
)
NETWORK_FIELDS = (
    "label", "latency_ms", "down_kbps", "up_kbps", "offline", "blackhole", "timeout_factor",
    "source", "extends",
)  # fmt: skip
_LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Size:
    """A width × height in CSS pixels."""

    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}×{self.height}"


@dataclass(frozen=True)
class DeviceProfile:
    """A device to emulate: what the page sees of the screen, the browser and the CPU."""

    name: str
    label: str
    device_class: DeviceClass
    viewport: Size
    screen: Size
    pixel_ratio: float = 1.0
    user_agent: str | None = field(default=None, repr=False)
    mobile: bool = False
    touch: bool = False
    cpu_slowdown: float = 1.0
    """The fixed CPU throttling rate; with a :attr:`cpu_score`, the rate where calibration
    cannot run (not Chromium, or ini ``cx_cpu_calibration = false``)."""
    cpu_score: int | None = None
    """The Lighthouse BenchmarkIndex this device scores: the throttling rate is calibrated on
    the machine running the tests until it scores this (:mod:`cxcheck.browser.calibration`)."""
    cpu_tier: str | None = None
    """The ``cpu`` tier (``mid-tier``, ``low-tier``) that named :attr:`cpu_score`, if any."""
    color_scheme: str | None = None
    reduced_motion: str | None = None
    locale: str | None = None
    source: str = field(default="", repr=False)
    origin: str = field(default="", repr=False)


@dataclass(frozen=True)
class NetworkProfile:
    """Network conditions, applied per request the way Chromium's DevTools protocol applies them.

    Throughputs are kbit/s (``None`` is unthrottled); latency is added once per request.
    """

    name: str
    label: str
    latency_ms: float = 0.0
    down_kbps: float | None = None
    up_kbps: float | None = None
    offline: bool = False
    blackhole: bool = False
    """Requests never complete (a third party that hangs: WebPageTest's SPOF blackhole)."""
    timeout_factor_set: float | None = None
    """``timeout_factor`` as the profile file gives it; None: computed (:attr:`timeout_factor`)."""
    source: str = field(default="", repr=False)
    origin: str = field(default="", repr=False)

    @property
    def timeout_factor(self) -> float:
        """What Playwright's default timeouts are multiplied by in a cell on this network.

        The file's ``timeout_factor``, else the time a 1 MB page over 3 round trips takes to
        arrive on this network, over the 5 s of ``expect()``'s default, plus one: 1 unthrottled,
        1.3 on fast-4g, 2.4 on slow-4g, 6.2 on 3g (at most 10).
        """
        if self.timeout_factor_set is not None:
            return self.timeout_factor_set
        if self.offline or self.blackhole:
            return 1.0  # nothing arrives however long one waits
        extra_s = TIMEOUT_PAGE_ROUND_TRIPS * self.latency_ms / 1000
        if self.down_kbps is not None:
            extra_s += TIMEOUT_PAGE_KBIT / self.down_kbps
        return min(TIMEOUT_FACTOR_MAX, round(1 + extra_s / TIMEOUT_BASE_S, 1))

    @property
    def throttled(self) -> bool:
        """True when this profile changes the traffic at all (so it needs CDP)."""
        return (
            self.offline
            or self.blackhole
            or self.latency_ms > 0
            or self.down_kbps is not None
            or self.up_kbps is not None
        )

    @property
    def down_bytes_per_s(self) -> float | None:
        """Download throughput in bytes/s, the unit CDP takes."""
        return None if self.down_kbps is None else self.down_kbps * 1000 / 8

    @property
    def up_bytes_per_s(self) -> float | None:
        """Upload throughput in bytes/s, the unit CDP takes."""
        return None if self.up_kbps is None else self.up_kbps * 1000 / 8


Profile = DeviceProfile | NetworkProfile


@dataclass(frozen=True)
class Catalogue:
    """Every known device, network and named set, in definition order."""

    devices: Mapping[str, DeviceProfile]
    networks: Mapping[str, NetworkProfile]
    device_sets: Mapping[str, tuple[str, ...]]
    network_sets: Mapping[str, tuple[str, ...]]
    sources: tuple[str, ...] = ()

    def resolve_devices(self, names: Iterable[str], where: str = "") -> list[DeviceProfile]:
        """Expand device names and set names into profiles, in order, without repeats.

        Names not in the catalogue are looked up in Playwright's device registry by slug
        (``"Galaxy S9+"`` → ``galaxy-s9-plus``) before failing with a did-you-mean.
        """
        out: dict[str, DeviceProfile] = {}
        for name in _split(names):
            if name in self.device_sets or name == ALL_SET:
                members = self.device_sets.get(name, tuple(self.devices))
                for member in members:
                    out.setdefault(member, self.devices[member])
            elif name in self.devices:
                out.setdefault(name, self.devices[name])
            elif slugify(name) in self.devices:
                out.setdefault(slugify(name), self.devices[slugify(name)])
            else:
                registry_device = playwright_device(slugify(name))
                if registry_device is None:
                    known = [*self.devices, *self.device_sets, ALL_SET]
                    if not suggest(name, known):
                        known += playwright_slugs()
                    raise UnknownProfileError("device", name, known, where)
                out.setdefault(registry_device.name, registry_device)
        return list(out.values())

    def resolve_networks(self, names: Iterable[str], where: str = "") -> list[NetworkProfile]:
        """Expand network names and set names into profiles, in order, without repeats."""
        out: dict[str, NetworkProfile] = {}
        for name in _split(names):
            if name in self.network_sets or name == ALL_SET:
                # "all" leaves blackhole out: a cell whose every request hangs tests nothing;
                # it is for one host (hosts:), or named on its own.
                everything = tuple(n for n, p in self.networks.items() if not p.blackhole)
                members = self.network_sets.get(name, everything)
                for member in members:
                    out.setdefault(member, self.networks[member])
            elif name in self.networks:
                out.setdefault(name, self.networks[name])
            else:
                known = [*self.networks, *self.network_sets, ALL_SET]
                raise UnknownProfileError("network", name, known, where)
        return list(out.values())


def _split(names: Iterable[str]) -> Iterator[str]:
    """Accept ``"a,b"`` as well as ``["a", "b"]``; blanks are ignored."""
    if isinstance(names, str):
        names = [names]
    for item in names:
        for part in str(item).split(","):
            if part.strip():
                yield part.strip()


# --- loading ---


def load_catalogue(extra_files: Sequence[str | os.PathLike[str]] = ()) -> Catalogue:
    """The built-in catalogue, extended or overridden by ``extra_files`` in order."""
    raw = RawCatalogue()
    paths = [*builtin_files(), *(Path(p) for p in extra_files)]
    for path in paths:
        read_file_into(raw, path)
    return _build(raw, tuple(str(p) for p in paths))


def load_catalogue_text(text: str, source: str = "<string>", *, builtins: bool = True) -> Catalogue:
    """Like :func:`load_catalogue` with one extra document given as text (for tests and tools)."""
    raw = RawCatalogue()
    paths = builtin_files() if builtins else []
    for path in paths:
        read_file_into(raw, path)
    merge_document(raw, parse_toml(text, source), source, text)
    return _build(raw, (*(str(p) for p in paths), source))


# --- building and validating ---


def _build(raw: RawCatalogue, sources: tuple[str, ...]) -> Catalogue:
    devices = {name: _build_device(name, raw) for name in raw.devices}
    networks = {name: _build_network(name, raw) for name in raw.networks}
    device_sets = _build_sets(raw.device_sets, devices, "device")
    network_sets = _build_sets(raw.network_sets, networks, "network")
    return Catalogue(devices, networks, device_sets, network_sets, sources)


def _flatten(
    name: str, table: dict[str, RawProfile], kind: str
) -> tuple[dict[str, Any], RawProfile]:
    """Merge a profile over the chain of profiles it ``extends``."""
    chain: list[str] = []
    current = name
    while True:
        if current in chain:
            loop = " → ".join([*chain, current])
            entry = table[name]
            raise ProfileError(
                f"'extends' goes round in a circle: {loop}",
                source=entry.source,
                line=entry.line,
                profile=name,
                field="extends",
            )
        chain.append(current)
        parent = table[current].data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str) or parent not in table:
            entry = table[current]
            did = did_you_mean(str(parent), table)
            raise ProfileError(
                f"extends unknown {kind} {parent!r}.{did}",
                source=entry.source,
                line=entry.line,
                profile=current,
                field="extends",
            )
        current = parent
    merged: dict[str, Any] = {}
    for link in reversed(chain):
        data = table[link].data
        if kind == "device" and ("cpu" in data or "cpu_score" in data):
            # Two ways to name one target: a profile naming either replaces its parent's, and
            # the parent's fixed factor (a different phone's): only one given beside it counts.
            for key in ("cpu", "cpu_score", "cpu_slowdown"):
                merged.pop(key, None)
        merged.update(data)
    merged.pop("extends", None)
    return merged, table[name]


class _Fields:
    """Typed access to one profile's fields, raising errors that name the field."""

    def __init__(
        self, data: Mapping[str, Any], entry: RawProfile, name: str, allowed: Sequence[str]
    ):
        self.data = data
        self.entry = entry
        self.name = name
        for key in data:
            if key not in allowed:
                did = did_you_mean(key, allowed)
                self.fail(key, f"unknown field.{did} Known fields: {', '.join(allowed)}")

    def fail(self, key: str, message: str) -> NoReturn:
        raise ProfileError(
            message,
            source=self.entry.source,
            line=self.entry.line,
            profile=self.name,
            field=key,
        )

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.fail(key, f"must be a non-empty string, got {value!r}")
        return value

    def choice(self, key: str, choices: Sequence[str]) -> str | None:
        value = self.text(key)
        if value is not None and value not in choices:
            self.fail(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {value!r}")
        return value

    def number(self, key: str, bounds: tuple[float, float], unit: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        lo, hi = bounds
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(key, f"must be a number ({unit}), got {value!r}")
        if not lo <= value <= hi:
            self.fail(key, f"{value} is out of range: must be between {lo:g} and {hi:g} {unit}")
        return float(value)

    def size(self, key: str, bounds: tuple[int, int], required: bool) -> Size | None:
        value = self.data.get(key)
        example = f"{key} = {{ width = 390, height = 844 }}"
        if value is None:
            if required:
                self.fail(key, f"missing; every device needs one, like {example}")
            return None
        if not isinstance(value, dict) or set(value) != {"width", "height"}:
            self.fail(key, f"must be a table with width and height in CSS px, like {example}")
        lo, hi = bounds
        dims: list[int] = []
        for dim in ("width", "height"):
            v = value[dim]
            if isinstance(v, bool) or not isinstance(v, int):
                self.fail(key, f"{dim} must be a whole number of CSS px, got {v!r}")
            if not lo <= v <= hi:
                self.fail(key, f"{dim} {v} is out of range: must be {lo} to {hi} CSS px")
            dims.append(v)
        return Size(dims[0], dims[1])


def _build_device(name: str, raw: RawCatalogue) -> DeviceProfile:
    data, entry = _flatten(name, raw.devices, "device")
    f = _Fields(data, entry, name, DEVICE_FIELDS)
    viewport = f.size("viewport", VIEWPORT_RANGE, required=True)
    assert viewport is not None  # required=True fails otherwise; narrows the type
    screen = f.size("screen", SCREEN_RANGE, required=False) or viewport
    mobile = f.flag("mobile")
    device_class = f.choice("class", DEVICE_CLASSES) or ("phone" if mobile else "desktop")
    locale = f.text("locale")
    if locale is not None and not _LOCALE_RE.match(locale):
        f.fail("locale", f"must be a language tag like en-GB or de, got {locale!r}")
    pixel_ratio = f.number("pixel_ratio", PIXEL_RATIO_RANGE, "device px per CSS px")
    cpu = f.number("cpu_slowdown", CPU_SLOWDOWN_RANGE, "× slower than this machine")
    tier, score = _cpu_target(f)
    if cpu is None and tier is not None:
        cpu = CPU_TIERS[tier][1]
    return DeviceProfile(
        name=name,
        label=f.text("label") or name,
        device_class=cast(DeviceClass, device_class),
        viewport=viewport,
        screen=screen,
        pixel_ratio=1.0 if pixel_ratio is None else pixel_ratio,
        user_agent=f.text("user_agent"),
        mobile=mobile,
        touch=f.flag("touch"),
        cpu_slowdown=1.0 if cpu is None else cpu,
        cpu_score=score,
        cpu_tier=tier,
        color_scheme=f.choice("color_scheme", COLOR_SCHEMES),
        reduced_motion=f.choice("reduced_motion", REDUCED_MOTIONS),
        locale=locale,
        source=f.text("source") or "",
        origin=entry.source,
    )


def _cpu_target(f: _Fields) -> tuple[str | None, int | None]:
    """The device's ``cpu`` tier and the score it stands for, or its ``cpu_score``."""
    if "cpu" in f.data and "cpu_score" in f.data:
        f.fail("cpu_score", "give cpu (a tier) or cpu_score (a number), not both: "
                            f"cpu = {f.data['cpu']!r} already means a score")  # fmt: skip
    tier = f.text("cpu")
    if tier is not None:
        if tier not in CPU_TIERS:
            did = did_you_mean(tier, CPU_TIERS)
            tiers = ", ".join(f"{t} ({s})" for t, (s, _) in CPU_TIERS.items())
            f.fail("cpu", f"unknown tier {tier!r}.{did} Known tiers: {tiers}; or give a "
                          "Lighthouse BenchmarkIndex as cpu_score = 1000")  # fmt: skip
        return tier, CPU_TIERS[tier][0]
    value = f.data.get("cpu_score")
    if value is None:
        return None, None
    lo, hi = CPU_SCORE_RANGE
    if isinstance(value, bool) or not isinstance(value, int):
        f.fail(
            "cpu_score", f"must be a whole Lighthouse BenchmarkIndex score like 1000, got {value!r}"
        )
    if not lo <= value <= hi:
        f.fail("cpu_score", f"{value} is out of range: must be between {lo} and {hi} (a Pixel 5 "
                            "class phone scores 1000)")  # fmt: skip
    return None, value


def _build_network(name: str, raw: RawCatalogue) -> NetworkProfile:
    data, entry = _flatten(name, raw.networks, "network")
    f = _Fields(data, entry, name, NETWORK_FIELDS)
    offline = f.flag("offline")
    latency = f.number("latency_ms", LATENCY_RANGE, "ms")
    down = f.number("down_kbps", THROUGHPUT_RANGE, "kbit/s")
    up = f.number("up_kbps", THROUGHPUT_RANGE, "kbit/s")
    return NetworkProfile(
        name=name,
        label=f.text("label") or name,
        latency_ms=latency or 0.0,
        down_kbps=down,
        up_kbps=up,
        offline=offline,
        blackhole=f.flag("blackhole"),
        timeout_factor_set=f.number("timeout_factor", TIMEOUT_FACTOR_RANGE, "×"),
        source=f.text("source") or "",
        origin=entry.source,
    )


def _build_sets(
    raw_sets: dict[str, RawSet], profiles: Mapping[str, Profile], kind: str
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}

    def expand(set_name: str, seen: tuple[str, ...]) -> list[str]:
        entry = raw_sets[set_name]
        members: list[str] = []
        for member in entry.members:
            if member in raw_sets:
                if member in seen:
                    loop = " → ".join([*seen, member])
                    raise ProfileError(
                        f"{kind} set '{set_name}' contains itself: {loop}",
                        source=entry.source,
                        line=entry.line,
                    )
                members.extend(expand(member, (*seen, member)))
            elif member == ALL_SET:
                members.extend(profiles)
            elif member in profiles:
                members.append(member)
            else:
                did = did_you_mean(member, [*profiles, *raw_sets])
                raise ProfileError(
                    f"{kind} set '{set_name}' names unknown {kind} '{member}'.{did}",
                    source=entry.source,
                    line=entry.line,
                )
        return list(dict.fromkeys(members))

    for set_name, entry in raw_sets.items():
        if set_name in profiles:
            raise ProfileError(
                f"'{set_name}' is both a {kind} and a {kind} set; rename one of them",
                source=entry.source,
                line=entry.line,
            )
        out[set_name] = tuple(expand(set_name, (set_name,)))
    return out


# --- Playwright's device registry ---


def playwright_device(name: str) -> DeviceProfile | None:
    """The device of Playwright's registry with this slug, or None."""
    entry = registry().get(name)
    if entry is None:
        return None
    label, raw = entry
    # Playwright for Python names the keys in snake_case; the JS registry in camelCase.
    d = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): v for k, v in raw.items()}
    viewport = d.get("viewport") or {"width": 1280, "height": 720}
    screen = d.get("screen") or viewport
    mobile = bool(d.get("isMobile", False))
    return DeviceProfile(
        name=name,
        label=label,
        device_class=_registry_class(mobile, viewport),
        viewport=Size(int(viewport["width"]), int(viewport["height"])),
        screen=Size(int(screen["width"]), int(screen["height"])),
        pixel_ratio=float(d.get("deviceScaleFactor", 1)),
        user_agent=d.get("userAgent"),
        mobile=mobile,
        touch=bool(d.get("hasTouch", False)),
        cpu_slowdown=1.0,
        source=f"Playwright device registry {label!r}",
        origin="playwright",
    )


def _registry_class(mobile: bool, viewport: Mapping[str, Any]) -> DeviceClass:
    if not mobile:
        return "desktop"
    # Playwright marks tablets as mobile; their shorter side is what a phone never has.
    return "tablet" if min(int(viewport["width"]), int(viewport["height"])) >= 600 else "phone"
