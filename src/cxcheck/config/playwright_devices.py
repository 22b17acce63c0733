"""Playwright's device registry: its descriptors, read from the installed package and cached.

Names not in the catalogue are looked up here by slug (``"Galaxy S9+"`` → ``galaxy-s9-plus``).
The descriptors ship inside Playwright's driver: as a JSON file in older releases, since then
as the object literal esbuild inlined into the driver bundle, which is scraped back into JSON.
They are cached per Playwright version; starting the driver is the last resort.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast


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


def registry() -> dict[str, tuple[str, dict[str, Any]]]:
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
    return list(registry())
