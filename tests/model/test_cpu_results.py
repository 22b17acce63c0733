"""A cell's calibrated CPU as plain data: JSON round trip and schema, JUnit, the summary line."""

from __future__ import annotations

import json

import jsonschema

from cxcheck.model.cpu import CALIBRATED, FIXED, TOO_WEAK, CpuCalibration, cpu_summary
from cxcheck.model.results import SCHEMA_FILE, ItemResult, RunResults
from cxcheck.outputs.itemresults import junit_properties


def _result(cell: str, cpu: CpuCalibration | None) -> ItemResult:
    return ItemResult(nodeid=f"t.py::test[{cell}]", file="t.py", test="test", cell=cell, cpu=cpu)


def test_cpu_survives_json_and_validates() -> None:
    cpu = CpuCalibration(1000, 3.21, CALIBRATED, 3212.5, 1004.0, tries=5, seconds=1.8, busy=True)
    run = RunResults(results=[_result("a", cpu), _result("b", None)])
    data = json.loads(json.dumps(run.to_dict()))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    back = RunResults.from_dict(data)
    assert back.results[0].cpu == cpu and back.results[1].cpu is None
    # An older results file (no "cpu" at all) still reads.
    del data["results"][1]["cpu"]
    assert RunResults.from_dict(data).results[1].cpu is None


def test_junit_properties_name_the_numbers() -> None:
    cpu = CpuCalibration(264, 5.5, CALIBRATED, 1452.0, 266.0)
    props = dict(junit_properties(_result("a", cpu), 1))
    assert props["cx_cpu_target"] == "264" and props["cx_cpu_rate"] == "5.5"
    assert (props["cx_cpu_host_score"], props["cx_cpu_score"]) == ("1452", "266")
    assert props["cx_cpu_method"] == "calibrated"
    assert not [k for k, _ in junit_properties(_result("b", None), 1) if k.startswith("cx_cpu")]


def test_describe_and_summary_say_what_ran() -> None:
    ok = CpuCalibration(1000, 3.21, CALIBRATED, 3212.0, 1004.0)
    weak = CpuCalibration(100000, 1.0, TOO_WEAK, 3180.0, 3180.0)
    fixed = CpuCalibration(1000, 4.0, FIXED)
    assert ok.describe == "×3.21 → 1004 (target 1000; host 3212)"
    assert weak.describe == "×1 unthrottled: host 3180 is below the target 100000"
    assert fixed.describe == "×4 fixed (target 1000 not calibrated)"
    line = cpu_summary([ok, None, CpuCalibration(1000, 3.4, CALIBRATED, 3000.0), weak, fixed])
    assert line == (
        "target 1000: ×3.21–4 (host 3000–3212), 1 at the fixed factor; "
        "target 100000: ×1 (host 3180), 1 cell unthrottled: host too weak"
    )
    assert cpu_summary([None, None]) is None


def test_a_calibration_that_missed_says_so() -> None:
    assert not CpuCalibration(1000, 3.0, CALIBRATED, 3000.0, 1240.0).off_target
    assert CpuCalibration(1000, 3.0, CALIBRATED, 3000.0, 1260.0).off_target
    assert CpuCalibration(264, 8.0, CALIBRATED, 800.0, 190.0).off_target
    assert not CpuCalibration(264, 1.0, TOO_WEAK, 200.0, 200.0).off_target  # said otherwise
    assert not CpuCalibration(264, 6.0, FIXED).off_target
