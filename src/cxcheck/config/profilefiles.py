"""Profile files: the TOML files of devices, networks and sets, read into raw tables.

The built-in catalogue lives in ``profiles/*.toml`` (shipped inside the wheel as
``cxcheck/profiles``); users add or override profiles and sets with files of the same schema.
Reading is the first of two passes: every file is parsed into raw tables (later files override
earlier ones), so that ``extends`` and sets may refer to profiles of any file;
:mod:`cxcheck.config.profiles` then builds and validates each profile. Errors name the file and
line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cxcheck.model.errors import ProfileError
from cxcheck.model.text import did_you_mean

ALL_SET = "all"
TOP_LEVEL_KEYS = ("devices", "networks", "device-sets", "network-sets")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")


@dataclass
class RawProfile:
    """One profile table as written, with where it was written."""

    data: Mapping[str, Any]
    source: str
    line: int | None


@dataclass
class RawSet:
    members: list[str]
    source: str
    line: int | None


@dataclass
class RawCatalogue:
    devices: dict[str, RawProfile] = field(default_factory=dict)
    networks: dict[str, RawProfile] = field(default_factory=dict)
    device_sets: dict[str, RawSet] = field(default_factory=dict)
    network_sets: dict[str, RawSet] = field(default_factory=dict)


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


def read_file_into(raw: RawCatalogue, path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(
            "no such profile file; check the path given to --cx-profiles / cx_profiles",
            source=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read the profile file: {exc}", source=str(path)) from None
    merge_document(raw, parse_toml(text, str(path)), str(path), text)


def merge_document(raw: RawCatalogue, doc: Mapping[str, Any], source: str, text: str) -> None:
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
            target[name] = RawProfile(body, source, line)
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
            sets[name] = RawSet(list(members), source, line)


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
