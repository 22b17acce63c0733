"""Visual checks with real screenshots of fixtures/pages/visual.html: identical re-renders pass,
a changed header colour fails with a diff, an anti-aliasing shift and masked dynamic content
pass, update mode writes baselines (once per device, also under xdist), a baseline from another
browser is flagged, and bad input gets a clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cxcheck.checks.visual.check import Visual, VisualSettings, check_name, snapshot_path
from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError

SNAPSHOT_TEST = """
import pytest

@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_page(cx_visual):
    query = open("query.txt").read().strip()
    cx_visual.page.goto("/visual.html" + query)
    cx_visual.assert_matches("page", mask=["#clock"])
"""


def baseline(root: Path) -> Path:
    return root / "__cx_snapshots__" / "test_snap" / "test_page" / "page-iphone-13.png"


def test_snapshots_from_update_to_a_caught_change(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    pytester.makepyfile(test_snap=SNAPSHOT_TEST)
    query = pytester.path / "query.txt"
    query.write_text("")

    # No baseline: a failure that leaves the capture as a candidate and says how to accept it.
    result = run_pytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*has no baseline for iphone-13 yet*--cx-update-snapshots*"])
    assert not baseline(pytester.path).exists()

    result = run_pytest("--cx-update-snapshots")
    result.assert_outcomes(passed=1)
    assert baseline(pytester.path).is_file()
    made = json.loads(baseline(pytester.path).with_suffix(".json").read_text())
    assert made["browser"].startswith("chromium ") and made["platform"]

    # A re-render (new clock text, masked; animation and caret frozen) and 0.4 and 1 px shifts of
    # an anti-aliased shape (only its edge pixels change) pass.
    for again in ("", "?shift=0.4", "?shift=1"):
        query.write_text(again)
        run_pytest().assert_outcomes(passed=1)

    # A changed header colour fails, with a diff, as a visual finding with its pictures.
    query.write_text("?header=red")
    result = run_pytest("--cx-json", "r.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*snapshot 'page' on iphone-13 differs from its baseline: *"])
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    (finding,) = [f for f in item["findings"] if f["kind"] == "visual"]
    assert finding["check"] == "snapshot" and finding["data"]["diff_pixels"] > 1000
    left, top, right, bottom = finding["data"]["bbox"]
    assert (left, top, right, bottom) == (0, 0, 390, 64)  # exactly the header
    evidence = Path(item["evidence_dir"])
    for kind in ("expected", "actual", "diff", "composite"):
        assert (evidence / finding["data"]["files"][kind]).is_file()

    # A baseline made by another browser is named as the likely cause.
    meta = baseline(pytester.path).with_suffix(".json")
    meta.write_text(json.dumps({"browser": "chromium 120.0", "platform": "darwin-arm64"}))
    result = run_pytest()
    result.stdout.fnmatch_lines(["*the baseline was made elsewhere (browser 'chromium 120.0'*"])


def test_two_networks_of_one_device_write_its_baseline_once_under_xdist(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    two = SNAPSHOT_TEST.replace('networks="no-throttle"', 'networks=["no-throttle", "fast-4g"]')
    pytester.makepyfile(test_snap=two)
    (pytester.path / "query.txt").write_text("")
    result = run_pytest("--cx-update-snapshots", "-n", "2", "--cx-json", "r.json")
    result.assert_outcomes(passed=2)
    results = json.loads((pytester.path / "r.json").read_text())["results"]
    notes = sorted(f["message"] for r in results for f in r["findings"] if f["kind"] == "visual")
    assert len(notes) == 2
    assert sum("wrote the baseline" in n for n in notes) == 1
    assert sum("written by another cell of this run" in n for n in notes) == 1
    written = sorted(p.name for p in baseline(pytester.path).parent.iterdir())
    assert written == ["page-iphone-13.json", "page-iphone-13.png"]  # no temporary files left
    run_pytest("-n", "2").assert_outcomes(passed=2)


@pytest.mark.parametrize("bad", ["../up", "a/b", "", "with space", "x\\y", ".hidden"])
def test_a_snapshot_name_must_be_a_plain_file_name(bad: str) -> None:
    with pytest.raises(CxError, match="cannot be a file name"):
        check_name(bad)


def test_the_baseline_path_is_predictable() -> None:
    path = snapshot_path(Path("/repo/tests/test_home.py"), "test_home", "", "hero", "iphone-13")
    assert path == Path("/repo/tests/__cx_snapshots__/test_home/test_home/hero-iphone-13.png")
    with_params = snapshot_path(Path("/r/t.py"), "test_x", "path=/a", "n", "ipad-mini")
    assert with_params.parent.name == "test_x-path-a"


def visual_for(cx_page: Any, cx_device: Any, tmp: Path, update: bool = False) -> Visual:
    return Visual(
        cx_page,
        cx_device,
        VisualSettings(update=update),
        test_file=tmp / "test_v.py",
        test="test_v",
        variant="",
        evidence=tmp / "evidence",
        browser="chromium x",
    )


@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_bad_baselines_and_masks_are_named_with_the_fix(
    cx_page: Any, cx_device: Any, tmp_path: Path
) -> None:
    visual = visual_for(cx_page, cx_device, tmp_path)
    cx_page.goto("/visual.html")
    with pytest.raises(CxError, match=r"mask selector '#nope' matches nothing"):
        visual.assert_matches("page", mask=["#nope"])
    path = visual.path("page")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(CxError, match=r"page-iphone-13.png.*--cx-update-snapshots"):
        visual.assert_matches("page", mask="#clock")
    # A baseline of another size fails as a size mismatch, not as a pixel count.
    from PIL import Image

    Image.new("RGBA", (200, 100), "white").save(path)
    with pytest.raises(JourneyStepError, match=r"200×100"):
        visual.assert_matches("page", mask="#clock")


@pytest.mark.cx(devices="iphone-13", networks="no-throttle")
def test_an_unwritable_snapshot_folder_is_a_clear_error(
    cx_page: Any, cx_device: Any, tmp_path: Path
) -> None:
    visual = visual_for(cx_page, cx_device, tmp_path, update=True)
    cx_page.goto("/visual.html")
    blocked = visual.path("page").parent.parent
    blocked.parent.mkdir(parents=True)
    blocked.write_text("a file where the folder should be")
    with pytest.raises(CxError, match=r"cannot write the baseline .*page-iphone-13.png"):
        visual.assert_matches("page", mask="#clock")


JOURNEY = """
name: looks
devices: iphone-13
networks: no-throttle
start: /visual.html{query}
steps:
  - name: look
    actions:
      - snapshot: {{name: page, mask: ["#clock"]}}
      - snapshot: {{name: top, selector: header}}
"""


def test_journey_files_take_snapshots_and_journeys_leave_a_filmstrip(
    pytester: pytest.Pytester, run_pytest: Any
) -> None:
    path = pytester.path / "looks.journey.yaml"
    path.write_text(JOURNEY.format(query=""))
    run_pytest("--cx-update-snapshots").assert_outcomes(passed=1)
    folder = pytester.path / "__cx_snapshots__" / "looks" / "looks"
    assert sorted(p.name for p in folder.glob("*.png")) == [
        "page-iphone-13.png",
        "top-iphone-13.png",
    ]
    run_pytest().assert_outcomes(passed=1)
    path.write_text(JOURNEY.format(query="?header=red"))
    result = run_pytest("--cx-json", "r.json", "--cx-report", "report")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*snapshot 'page' on iphone-13 differs from its baseline*"])
    (item,) = json.loads((pytester.path / "r.json").read_text())["results"]
    assert "filmstrip.png" in item["evidence"]
    html = (pytester.path / "report" / "index.html").read_text()
    assert "Filmstrip" in html and "Snapshot page" in html
