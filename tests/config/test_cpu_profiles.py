"""Device profiles naming the CPU they stand for (cpu = "mid-tier", cpu_score): pure logic."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxcheck.config.listing import render_catalogue
from cxcheck.config.matrix import check_engine
from cxcheck.config.profiles import load_catalogue, load_catalogue_text
from cxcheck.model.errors import ProfileError, ThrottlingUnsupportedError

PHONES = """
[devices.mid]
extends = "pixel-7"
cpu = "mid-tier"

[devices.low]
extends = "pixel-7"
cpu = "low-tier"
cpu_slowdown = 5.0

[devices.scored]
extends = "pixel-7"
cpu_score = 500

[devices.rescored]
extends = "mid"
cpu_score = 700
"""


def test_tiers_scores_and_their_fixed_factors() -> None:
    devices = load_catalogue_text(PHONES).devices
    mid, low, scored = devices["mid"], devices["low"], devices["scored"]
    assert (mid.cpu_tier, mid.cpu_score, mid.cpu_slowdown) == ("mid-tier", 1000, 4.0)
    # A factor beside the tier is what runs where calibration cannot.
    assert (low.cpu_tier, low.cpu_score, low.cpu_slowdown) == ("low-tier", 264, 5.0)
    assert (scored.cpu_tier, scored.cpu_score) == (None, 500)
    # The parent phone's own factor is not the target's: only one given beside it counts.
    assert devices["pixel-7"].cpu_slowdown > 1 and scored.cpu_slowdown == 1.0
    # A child naming a score replaces its parent's tier rather than clashing with it.
    rescored = devices["rescored"]
    assert (rescored.cpu_tier, rescored.cpu_score) == (None, 700)
    assert devices["pixel-7"].cpu_score is None  # the built-in catalogue is unchanged
    listed = render_catalogue(load_catalogue_text(PHONES))
    assert "mid-tier 1000 (else 4×)" in listed and "score 500" in listed


BAD = [
    ('cpu = "mid-teir"', "cpu", ["unknown tier 'mid-teir'", "Did you mean `mid-tier`", "264"]),
    ('cpu = "mid-tier"\ncpu_score = 1000', "cpu_score", ["not both"]),
    ("cpu_score = 5", "cpu_score", ["5 is out of range", "between 10 and 100000"]),
    ("cpu_score = 1000.5", "cpu_score", ["whole", "1000.5"]),
    ("cpu = 1000", "cpu", ["non-empty string"]),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD)
def test_bad_cpu_fields_name_file_line_and_key(
    tmp_path: Path, body: str, field: str, words: list[str]
) -> None:
    path = tmp_path / "phones.toml"
    path.write_text(f'\n[devices.slowpoke]\nextends = "pixel-7"\n{body}\n')
    with pytest.raises(ProfileError) as info:
        load_catalogue([path])
    message = str(info.value)
    assert message.startswith(f"{path}:2: profile 'slowpoke', field '{field}'"), message
    for word in words:
        assert word in message, message


def test_only_chromium_can_emulate_a_cpu_score() -> None:
    devices = load_catalogue_text(PHONES).devices
    network = load_catalogue_text("").networks["no-throttle"]
    check_engine("chromium", [devices["scored"]], [network])
    with pytest.raises(ThrottlingUnsupportedError, match="'scored' asks for a CPU scoring 500"):
        check_engine("webkit", [devices["scored"]], [network])
