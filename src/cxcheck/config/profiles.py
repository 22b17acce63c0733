"""Device and network profiles: the data model, the TOML loader and the catalogue.

The built-in catalogue lives in ``profiles/*.toml`` (shipped inside the wheel as
``cxcheck/profiles``). Users add or override profiles and sets with files of the same schema.
Everything here is plain data and pure functions; nothing imports a browser.

Loading happens in two passes so that ``extends`` and sets may refer to profiles defined in any
file: every file is parsed into raw tables first (later files override earlier ones), then each
profile is built and validated, with errors naming the file, line, profile and field.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

from cxcheck.model.errors import ProfileError, UnknownProfileError
from cxcheck.model.text import did_you_mean, suggest

DeviceClass = Literal["phone", "tablet", "desktop"]
Kind = Literal["device", "network"]

DEVICE_CLASSES: tuple[str, ...] = ("phone", "tablet", "desktop")
COLOR_SCHEMES: tuple[str, ...] = ("light", "dark", "no-preference")
REDUCED_MOTIONS: tuple[str, ...] = ("reduce", "no-preference")

# Ranges that catch typos and unit mistakes (kbit/s given as bit/s, px given as physical px).
VIEWPORT_RANGE = (100, 8000)
SCREEN_RANGE = (100, 16000)
PIXEL_RATIO_RANGE = (0.5, 8.0)
CPU_SLOWDOWN_RANGE = (1.0, 100.0)
LATENCY_RANGE = (0.0, 60_000.0)
THROUGHPUT_RANGE = (0.001, 100_000_000.0)  # kbit/s; zero would mean "never arrives"

ALL_SET = "all"
TOP_LEVEL_KEYS = ("devices", "networks", "device-sets", "network-sets")
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
    "color_scheme",
    "reduced_motion",
    "locale",
    "source",
    "extends",
)
NETWORK_FIELDS = ("label", "latency_ms", "down_kbps", "up_kbps", "offline", "source", "extends")
_LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")


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
    source: str = field(default="", repr=False)
    origin: str = field(default="", repr=False)

    @property
    def throttled(self) -> bool:
        """True when this profile changes the traffic at all (so it needs CDP)."""
        return (
            self.offline
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


@dataclass
class _Raw:
    """One profile table as written, with where it was written."""

    data: Mapping[str, Any]
    source: str
    line: int | None


@dataclass
class _RawSet:
    members: list[str]
    source: str
    line: int | None


@dataclass
class _RawCatalogue:
    devices: dict[str, _Raw] = field(default_factory=dict)
    networks: dict[str, _Raw] = field(default_factory=dict)
    device_sets: dict[str, _RawSet] = field(default_factory=dict)
    network_sets: dict[str, _RawSet] = field(default_factory=dict)


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
                members = self.network_sets.get(name, tuple(self.networks))
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


def builtin_profiles_dir() -> Path:
    """The folder of built-in profile files: inside the installed package, else the checkout."""
    packaged = resources.files("cxcheck").joinpath("profiles")
    if packaged.is_dir():
        return Path(str(packaged))
    # Editable installs run from the source tree, where profiles/ sits beside src/.
    return Path(__file__).resolve().parents[3] / "profiles"


def builtin_files() -> list[Path]:
    """The built-in catalogue files, in load order."""
    folder = builtin_profiles_dir()
    files = [folder / n for n in ("devices.toml", "networks.toml", "sets.toml")]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ProfileError(
            f"the built-in profile catalogue is missing {', '.join(missing)}; "
            "reinstall cxcheck (pip install --force-reinstall cxcheck)"
        )
    return files


def load_catalogue(extra_files: Sequence[str | os.PathLike[str]] = ()) -> Catalogue:
    """The built-in catalogue, extended or overridden by ``extra_files`` in order."""
    raw = _RawCatalogue()
    paths = [*builtin_files(), *(Path(p) for p in extra_files)]
    for path in paths:
        _read_file_into(raw, path)
    return _build(raw, tuple(str(p) for p in paths))


def load_catalogue_text(text: str, source: str = "<string>", *, builtins: bool = True) -> Catalogue:
    """Like :func:`load_catalogue` with one extra document given as text (for tests and tools)."""
    raw = _RawCatalogue()
    paths = builtin_files() if builtins else []
    for path in paths:
        _read_file_into(raw, path)
    _merge_document(raw, parse_toml(text, source), source, text)
    return _build(raw, (*(str(p) for p in paths), source))


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML, turning a syntax error into a :class:`ProfileError` with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        column = f" (column {match.group(2)})" if match else ""
        raise ProfileError(f"not valid TOML: {message}{column}", source=source, line=line) from None


def _read_file_into(raw: _RawCatalogue, path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(
            "no such profile file; check the path given to --cx-profiles / cx_profiles",
            source=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read the profile file: {exc}", source=str(path)) from None
    _merge_document(raw, parse_toml(text, str(path)), str(path), text)


def _merge_document(raw: _RawCatalogue, doc: Mapping[str, Any], source: str, text: str) -> None:
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            did = did_you_mean(key, TOP_LEVEL_KEYS, quote="[{}]")
            raise ProfileError(
                f"unknown table [{key}]; a profile file holds {', '.join(TOP_LEVEL_KEYS)}.{did}",
                source=source,
                line=_line_of(text, key),
            )
    for table, target in (("devices", raw.devices), ("networks", raw.networks)):
        entries = doc.get(table, {})
        if not isinstance(entries, dict):
            raise ProfileError(
                f"[{table}] must be a table of profiles, like [{table}.my-name]",
                source=source,
                line=_line_of(text, table),
            )
        for name, body in entries.items():
            line = _line_of(text, table, name)
            _check_name(name, source, line)
            if not isinstance(body, dict):
                raise ProfileError(
                    f"must be a table of fields, like [{table}.{name}]",
                    source=source,
                    line=line,
                    profile=name,
                )
            target[name] = _Raw(body, source, line)
    for table, sets in (("device-sets", raw.device_sets), ("network-sets", raw.network_sets)):
        entries = doc.get(table, {})
        if not isinstance(entries, dict):
            raise ProfileError(
                f'[{table}] must map set names to lists of names, like phones = ["iphone-13"]',
                source=source,
                line=_line_of(text, table),
            )
        for name, members in entries.items():
            line = _line_of(text, table, name)
            _check_name(name, source, line)
            if name == ALL_SET:
                raise ProfileError(
                    f"the set '{ALL_SET}' is built in (every profile); choose another name",
                    source=source,
                    line=line,
                )
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise ProfileError(
                    f'set \'{name}\' must be a list of names, like {name} = ["a", "b"]',
                    source=source,
                    line=line,
                )
            sets[name] = _RawSet(list(members), source, line)


def _check_name(name: str, source: str, line: int | None) -> None:
    if not _NAME_RE.match(name):
        raise ProfileError(
            f"'{name}' is not a valid name: use lowercase letters, digits and '-', "
            "like iphone-13 or slow-4g",
            source=source,
            line=line,
        )


def _line_of(text: str, table: str, name: str | None = None) -> int | None:
    """The line where a table (or ``table.name`` / ``name = ...`` in it) is defined, if found."""
    quoted = rf"(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')" if name else ""
    patterns = (
        [rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\.[ \t]*{quoted}[ \t]*[\].]"]
        if name
        else [
            rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*[\].]",
            rf"^[ \t]*{re.escape(table)}[ \t]*=",
        ]
    )
    if name:
        patterns.append(rf"^[ \t]*{quoted}[ \t]*=")
    for pattern in patterns:
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return None


# --- building and validating ---


def _build(raw: _RawCatalogue, sources: tuple[str, ...]) -> Catalogue:
    devices = {name: _build_device(name, raw) for name in raw.devices}
    networks = {name: _build_network(name, raw) for name in raw.networks}
    device_sets = _build_sets(raw.device_sets, devices, "device")
    network_sets = _build_sets(raw.network_sets, networks, "network")
    return Catalogue(devices, networks, device_sets, network_sets, sources)


def _flatten(name: str, table: dict[str, _Raw], kind: str) -> tuple[dict[str, Any], _Raw]:
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
        merged.update(table[link].data)
    merged.pop("extends", None)
    return merged, table[name]


class _Fields:
    """Typed access to one profile's fields, raising errors that name the field."""

    def __init__(self, data: Mapping[str, Any], entry: _Raw, name: str, allowed: Sequence[str]):
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


def _build_device(name: str, raw: _RawCatalogue) -> DeviceProfile:
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
        color_scheme=f.choice("color_scheme", COLOR_SCHEMES),
        reduced_motion=f.choice("reduced_motion", REDUCED_MOTIONS),
        locale=locale,
        source=f.text("source") or "",
        origin=entry.source,
    )


def _build_network(name: str, raw: _RawCatalogue) -> NetworkProfile:
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
        source=f.text("source") or "",
        origin=entry.source,
    )


def _build_sets(
    raw_sets: dict[str, _RawSet], profiles: Mapping[str, Profile], kind: str
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


def slugify(name: str) -> str:
    """Playwright's device names as cxcheck names: ``"Galaxy S9+"`` → ``galaxy-s9-plus``."""
    slug = name.lower().replace("+", "-plus")
    slug = re.sub(r"[^a-z0-9]+", "-", slug)
    return re.sub(r"-+", "-", slug).strip("-")


_REGISTRY: dict[str, tuple[str, dict[str, Any]]] | None = None

Descriptors = dict[str, dict[str, Any]]

# The device descriptors ship inside Playwright's driver: as a JSON file in older releases, and
# since the driver is bundled, as the object literal esbuild inlined for that same JSON file.
_DRIVER_LIB = ("driver", "package", "lib")
_LEGACY_JSON = ("server", "deviceDescriptorsSource.json")
_BUNDLE = ("coreBundle.js",)
# Starts with a literal (no \b) so that re can skip through the 3.6 MB bundle quickly.
_BUNDLE_START_RE = re.compile(r"deviceDescriptorsSource_default\s*=\s*(?=\{)")
# The tokens that matter when turning esbuild's printout of a JSON file back into JSON. Strings
# are matched whole first, so nothing inside one is ever taken for a key, comma or brace.
_JS_TOKEN_RE = re.compile(
    r'(?P<string>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<key>[A-Za-z_$][\w$]*)(?=\s*:)"
    r"|(?P<trailing_comma>,)(?=\s*[}\]])"
    r"|(?P<brace>[{}])"
    r"|(?P<other_quote>['`])"
)


def _registry_cache_file(version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cxcheck" / f"playwright-devices-{version}.json"


def _load_registry() -> dict[str, tuple[str, dict[str, Any]]]:
    """Playwright's device descriptors by slug, with Playwright for Python's key names."""
    global _REGISTRY
    if _REGISTRY is None:
        descriptors = _registry_descriptors() or {}
        _REGISTRY = {slugify(k): (k, v) for k, v in descriptors.items()}
    return _REGISTRY


def _registry_descriptors() -> Descriptors | None:
    """The descriptors from the per-version cache, else the installed package's files.

    Reading the files starts no process, so an unknown device name stays cheap; starting the
    driver is kept only for a Playwright whose files are laid out in a way not known here.
    """
    try:
        from importlib.metadata import version

        pw_version = version("playwright")
    except Exception:  # no (or a broken) Playwright: the registry is simply empty
        return None
    cache = _registry_cache_file(pw_version)
    descriptors = _read_cache(cache)
    if descriptors is None:
        descriptors = _descriptors_from_package() or _descriptors_from_driver()
        if descriptors:
            _write_cache(cache, descriptors)
    return descriptors


def _read_cache(cache: Path) -> Descriptors | None:
    try:
        return _checked_descriptors(json.loads(cache.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _write_cache(cache: Path, descriptors: Descriptors) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(descriptors), encoding="utf-8")
    except OSError:
        pass  # a read-only home only costs a re-read next time


def _playwright_package_dir() -> Path | None:
    # find_spec locates the package without importing it: importing playwright.sync_api would
    # only cost time, and nothing of it is needed to read a data file.
    try:
        spec = importlib.util.find_spec("playwright")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _descriptors_from_package() -> Descriptors | None:
    """The descriptors read straight from the installed Playwright's driver files, or None."""
    package = _playwright_package_dir()
    if package is None:
        return None
    lib = package.joinpath(*_DRIVER_LIB)
    sources = ((lib.joinpath(*_LEGACY_JSON), json.loads), (lib.joinpath(*_BUNDLE), _parse_bundle))
    for path, parse in sources:
        if not path.is_file():
            continue
        try:
            found = _checked_descriptors(_python_names(parse(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, RecursionError):
            found = None
        if found is not None:
            return found
    return None


def _parse_bundle(bundle: str) -> object:
    """The device descriptors that esbuild inlined into the driver bundle."""
    start = _BUNDLE_START_RE.search(bundle)
    literal = _js_object_to_json(bundle, start.end()) if start else None
    if literal is None:
        raise ValueError("no device descriptors found in the driver bundle")
    return json.loads(literal)


def _js_object_to_json(text: str, start: int) -> str | None:
    """The JS object literal opening at ``text[start]``, as JSON text; None if it never closes.

    Only the two ways esbuild's printout of a JSON file differs from JSON are undone: bare keys
    are quoted and trailing commas dropped. Single-quoted and template strings give None, as
    their contents cannot be told apart from code here; anything else not JSON is left for
    ``json.loads`` to reject.
    """
    out: list[str] = []
    depth = 0
    pos = start
    for token in _JS_TOKEN_RE.finditer(text, start):
        out.append(text[pos : token.start()])
        pos = token.end()
        kind = token.lastgroup
        if kind == "other_quote":
            return None
        if kind == "key":
            out.append(f'"{token.group()}"')
        elif kind != "trailing_comma":
            out.append(token.group())
        if kind == "brace":
            depth += 1 if token.group() == "{" else -1
            if depth == 0:
                return "".join(out)
    return None


def _python_names(descriptors: object) -> object:
    """JS descriptors (``userAgent``) renamed the way Playwright for Python names them
    (``user_agent``), so every source yields, and the cache holds, the same data."""
    if not isinstance(descriptors, dict):
        return descriptors
    return {
        name: (
            {re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), k): v for k, v in d.items()}
            if isinstance(d, dict)
            else d
        )
        for name, d in descriptors.items()
    }


def _checked_descriptors(data: object) -> Descriptors | None:
    """``data`` if it is a non-empty map of device names to usable descriptors, else None."""
    if not isinstance(data, dict) or not data:
        return None
    for name, descriptor in data.items():
        if not isinstance(name, str) or not _usable_descriptor(descriptor):
            return None
    return cast(Descriptors, data)


def _usable_descriptor(descriptor: object) -> bool:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("user_agent"), str):
        return False
    viewport = descriptor.get("viewport")
    return isinstance(viewport, dict) and all(
        type(viewport.get(side)) is int for side in ("width", "height")
    )


def _descriptors_from_driver() -> Descriptors | None:
    """The descriptors as the running driver reports them: the last resort, as it costs a
    child process starting Playwright's driver (no event loop or greenlet touches this one)."""
    script = (
        "import json,sys\n"
        "from playwright.sync_api import sync_playwright\n"
        "p = sync_playwright().start()\n"
        "sys.stdout.write(json.dumps(p.devices))\n"
        "p.stop()\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        return _checked_descriptors(json.loads(done.stdout)) if done.returncode == 0 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def playwright_slugs() -> list[str]:
    """Every device name Playwright's registry offers, slugged."""
    return list(_load_registry())


def playwright_device(name: str) -> DeviceProfile | None:
    """The device of Playwright's registry with this slug, or None."""
    entry = _load_registry().get(name)
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
