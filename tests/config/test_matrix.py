"""Matrix selection: precedence, marker validation, engine checks (pure logic)."""

from __future__ import annotations

import pytest

from cxcheck.config.matrix import Choice, build_cells, choose, marker_names, split_names
from cxcheck.config.profiles import load_catalogue
from cxcheck.model.errors import CxError, ThrottlingUnsupportedError


@pytest.mark.parametrize(
    ("cli", "marker", "ini", "expected", "where"),
    [
        (("a",), ("b",), ("c",), ("a",), "--cx-devices"),
        ((), ("b",), ("c",), ("b",), "@pytest.mark.cx(devices=...)"),
        ((), None, ("c",), ("c",), "ini cx_devices"),
        ((), None, (), ("d",), "the default cx_devices"),
    ],
)
def test_precedence_cli_marker_ini_default(
    cli: tuple[str, ...],
    marker: tuple[str, ...] | None,
    ini: tuple[str, ...],
    expected: tuple[str, ...],
    where: str,
) -> None:
    assert choose(cli, marker, ini, ("d",), "devices") == Choice(expected, where)


def test_split_names_accepts_commas_spaces_and_lists() -> None:
    assert split_names("a, b c") == ("a", "b", "c")
    assert split_names(["a", "b,c"]) == ("a", "b", "c")
    assert split_names(None) == ()


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("iphone-13",), {}, "keyword arguments only"),
        ((), {"device": "iphone-13"}, "Did you mean `devices`"),
        ((), {"devices": []}, "is empty"),
        ((), {"devices": [3]}, "must be strings"),
    ],
)
def test_bad_markers_are_explained(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(CxError, match=message):
        marker_names(args, kwargs)


def test_cells_are_devices_times_networks_with_ids() -> None:
    cat = load_catalogue()
    cells = build_cells(
        cat, Choice(("iphone-13", "desktop-1080p"), ""), Choice(("slow-4g", "no-throttle"), "")
    )
    assert [c.id for c in cells] == [
        "iphone-13-slow-4g",
        "iphone-13-no-throttle",
        "desktop-1080p-slow-4g",
        "desktop-1080p-no-throttle",
    ]


def test_engines_that_cannot_throttle_are_refused() -> None:
    cat = load_catalogue()
    with pytest.raises(ThrottlingUnsupportedError, match="only Chromium"):
        build_cells(cat, Choice(("desktop-1080p",), ""), Choice(("slow-4g",), ""), "firefox")
    with pytest.raises(ThrottlingUnsupportedError, match="cpu_slowdown"):
        build_cells(cat, Choice(("low-end-android",), ""), Choice(("no-throttle",), ""), "webkit")
    # Offline and unthrottled need no CDP: fine on any engine.
    cells = build_cells(
        cat, Choice(("desktop-1080p",), ""), Choice(("offline", "no-throttle"), ""), "firefox"
    )
    assert len(cells) == 2
