"""``cxcheck check``: validate journey files without a browser (a pre-commit hook, a CI pre-step).

Every file is parsed and validated as pytest would collect it (structure, actions, budgets,
check options, includes, vars, mid-journey networks) and its devices and networks are looked up
in the catalogue. Each problem is one line, ``file:line: what is wrong; the fix``;
:mod:`cxcheck.cli.check` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cxcheck.config.profiles import Catalogue, load_catalogue
from cxcheck.journeyfiles.loader import check_profiles, load_all
from cxcheck.journeyfiles.spec import SUFFIX
from cxcheck.model.errors import CxError


def journey_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The journey files named or found under folders; problems with the paths themselves."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
            if not found:
                problems.append(f"{path}: no *{SUFFIX} files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return files, problems


def check_file(
    path: Path,
    catalogue: Catalogue,
    unset_env: list[str] | None = None,
    warnings: list[str] | None = None,
) -> str | None:
    """The first problem of one journey file, or None when it is valid.

    Environment variables the file reads but this machine lacks go to ``unset_env`` (when
    given) instead of being problems: a pre-commit hook runs where the CI secrets are not.
    ``warnings`` (when given) receives what is valid but likely not meant, like an unquoted
    ``No`` where a text goes.
    """
    try:
        specs = load_all(path, unset_env, warnings)
        for spec in specs:
            check_profiles(spec, catalogue)
        spec = specs[0]
        if spec.devices:
            catalogue.resolve_devices(spec.devices, f"{path}: devices")
        if spec.networks:
            catalogue.resolve_networks(spec.networks, f"{path}: networks")
    except CxError as exc:
        return str(exc)
    return None


def check_paths(
    paths: Sequence[Path],
    profile_files: Sequence[Path] = (),
    notes: list[str] | None = None,
    warnings: list[str] | None = None,
) -> tuple[int, list[str]]:
    """(files checked, problems); an empty list of problems means every file is valid.

    ``notes`` receives what is worth knowing but not wrong: environment variables to set
    before pytest runs the journeys. ``warnings`` receives what is valid but likely not
    meant (each once, though an examples row or an include reads a line again).
    """
    catalogue = load_catalogue(list(profile_files))
    files, problems = journey_files(paths)
    for path in files:
        unset: list[str] = []
        found: list[str] | None = [] if warnings is not None else None
        problem = check_file(path, catalogue, unset, found)
        if warnings is not None and found:
            warnings.extend(w for w in dict.fromkeys(found) if w not in warnings)
        if problem:
            problems.append(problem)
        if unset and notes is not None:
            names = ", ".join(dict.fromkeys(unset))
            notes.append(f"{path}: reads {names} from the environment, not set here; set it "
                         "where pytest runs the journeys")  # fmt: skip
    return len(files), problems
