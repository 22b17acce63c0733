"""The HTML report, opened from disk in a real headless Chromium (the plugin's own browser)."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, expect

from cxcheck.journey.journey import slug
from cxcheck.model.results import (
    FailedRequest,
    Finding,
    ItemResult,
    MachineLoad,
    RunResults,
    StepRecord,
    Vitals,
)
from cxcheck.outputs.report import page as report
from cxcheck.outputs.report.page import FILES_DIR, content_security_policy, write_report

DEVICES = ("iphone-13", "ipad-mini", "laptop-1366")
NETWORKS = ("slow-4g", "no-throttle")
TESTS = (
    ("tests/test_checkout.py", "test_checkout"),
    ("tests/test_checkout.py", "test_search"),
    ("tests/test_home.py", "test_home"),
)
STEPS = ("open home", "search for a jacket", "check out")
SIZES = {"iphone-13": (195, 422), "ipad-mini": (384, 512), "laptop-1366": (683, 384)}
FAILED_ID = "tests/test_checkout.py::test_checkout[iphone-13-slow-4g]"
FLAKY_ID = "tests/test_checkout.py::test_checkout[ipad-mini-slow-4g]"
NOT_RUN_ID = "tests/test_home.py::test_home[laptop-1366-no-throttle]"

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "javascript:alert(1)",
    "</script><script>window.__pwned=3</script>",
    "\"'><svg onload=window.__pwned=4>",
    "</style><style>body{display:none}</style>",
    "<!-- --><a href='javascript:alert(5)'>x</a>",
    "\ud800 lone surrogate & amp;",
]
EVIL = "".join(HOSTILE)


def fake_screenshot(path: Path, size: tuple[int, int], hue: int, failed: bool = False) -> None:
    """A small JPEG that looks like a page: header, a few text lines, a button."""
    w, h = size
    img = Image.new("RGB", size, (250, 250, 252))
    draw = ImageDraw.Draw(img)
    colours = [(52, 81, 178), (43, 138, 62), (217, 115, 13), (163, 25, 91)]
    draw.rectangle((0, 0, w, h // 9), fill=colours[hue % len(colours)])
    for i in range(5):
        y = h // 6 + i * h // 12
        draw.rectangle((w // 12, y, w - w // (3 + i), y + h // 40), fill=(205, 208, 214))
    draw.rounded_rectangle((w // 12, h - h // 5, w // 2, h - h // 8), radius=6, fill=(52, 81, 178))
    if failed:
        draw.rectangle((0, h // 2, w, h // 2 + h // 10), fill=(201, 42, 42))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=70)


def _steps(
    folder: Path, device: str, slow: float, failed_step: int | None, turn: int = 0
) -> list[StepRecord]:
    steps = []
    shares = (0.55, 0.9, 1.25)
    for i, name in enumerate(STEPS, start=1):
        shot = f"step-{i:02d}-{slug(name)}.jpg"
        fake_screenshot(folder / shot, SIZES[device], i, failed=i == failed_step)
        duration = slow * shares[(i + turn) % 3]
        step = StepRecord(
            index=i,
            name=name,
            budget_s=(3.0 if i == failed_step else 6.0) if i != 2 else None,
            duration_s=round(duration, 3),
            requests=10 + 3 * i,
            bytes=120_000 * i,
            screenshot=shot,
            vitals=Vitals(
                f"http://shop.test/{i}",
                120.0 * slow,
                800.0 * slow,
                1300.0 * slow,
                0.02 * i,
                90.0 if i == 3 else None,
            ),
        )
        if i == failed_step:
            step.status = "failed"
            step.duration_s = 4.2
            step.error = f"step '{name}' took 4.20 s, over its 3 s budget"
            step.console_errors = ["Uncaught (in promise) TypeError: basket is undefined"]
            step.page_errors = ["TypeError: basket is undefined\n    at checkout.js:41:7"]
            step.failed_requests = [
                FailedRequest("http://shop.test/api/basket", "POST", 500, "Internal Error", True),
                FailedRequest("https://cdn.example/x.js", "GET", None, "net::ERR_ABORTED", False),
            ]
            step.findings = [
                Finding("budget", step.error,
                        check="step-budget", data={"measured_s": 4.2, "budget_s": 3.0}),
                Finding("failed-request", "POST /api/basket answered 500",
                        target="http://shop.test/api/basket", data={"status": 500}),
                Finding("console", "Uncaught (in promise) TypeError", severity="warning"),
                Finding("a11y", "Images must have alternate text", severity="info",
                        check="image-alt", target="img.hero",
                        data={"html": '<img class="hero" src="/hero.jpg">'}),
                Finding("failed-request", "GET /analytics.js failed", severity="ignored",
                        target="https://cdn.example/analytics.js"),
            ]  # fmt: skip
        steps.append(step)
    return steps


def sample_run(root: Path, no_cell: bool = True) -> RunResults:
    """2 files, 3 tests on 3 devices x 2 networks: one failed (with a trace), one flaky (with its
    failed first attempt), one error, one skipped, one not run; plus a test outside the matrix."""
    results: list[ItemResult] = []
    for t, (file, test) in enumerate(TESTS):
        for d, device in enumerate(DEVICES):
            for network in NETWORKS:
                cell = f"{device}-{network}"
                nodeid = f"{file}::{test}[{cell}]"
                folder = root / "artifacts" / slug(nodeid)
                slow = (2.2 if network == "slow-4g" else 1.0) * (1 + 0.2 * d + 0.1 * t)
                failed = nodeid == FAILED_ID
                r = ItemResult(
                    nodeid=nodeid, file=file, test=test, cell=cell, device=device,
                    network=network, engine="chromium", duration_s=round(slow * 2.9, 2),
                    started_at=1_760_000_000.0 + t * 60, browser="chromium 156",
                    worker="gw0", load=MachineLoad(0.6, 0.9, 8),
                )  # fmt: skip
                if nodeid == NOT_RUN_ID:
                    results.append(
                        ItemResult(nodeid=nodeid, file=file, test=test, cell=cell,
                                   outcome="not-run", message="not run: the run was interrupted")
                    )  # fmt: skip
                    continue
                r.steps = _steps(folder, device, slow, 3 if failed else None, turn=t + d)
                r.evidence_dir = str(folder)
                r.evidence = sorted(p.name for p in folder.iterdir())
                if failed:
                    r.outcome = "failed"
                    r.message = (
                        "JourneyStepError: step 'check out' took 4.20 s, over its 3 s budget"
                    )
                    r.error = "Traceback (most recent call last):\n  ...\n" + r.message
                    (folder / "trace.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
                    (folder / "steps.json").write_text("{}")
                    r.evidence = [*sorted(p.name for p in folder.iterdir()), "gone.jpg"]
                    r.trace = "trace.zip"
                    r.findings = [Finding("check", "basket total is wrong", check="my-check")]
                    r.load = MachineLoad(9.5, 11.2, 4)
                elif nodeid == FLAKY_ID:
                    first = root / "artifacts" / (slug(nodeid) + "~attempt1")
                    attempt = ItemResult(
                        nodeid=nodeid, file=file, test=test, cell=cell, device=device,
                        network=network, outcome="failed", duration_s=7.5,
                        message="TimeoutError: waiting for #result-count", evidence_dir=str(first),
                        steps=_steps(first, device, slow, 2),
                    )  # fmt: skip
                    attempt.evidence = sorted(p.name for p in first.iterdir())
                    r.attempts = [attempt]
                    r.outcome = "flaky"
                    r.message = "passed on attempt 2; attempt 1 failed: TimeoutError"
                elif test == "test_search" and cell == "ipad-mini-no-throttle":
                    r.outcome, r.message = "error", "error in teardown: ConnectionResetError"
                elif test == "test_home" and cell == "iphone-13-no-throttle":
                    r.outcome, r.message, r.steps = "skipped", "skipped: no login on phones", []
                results.append(r)
    if no_cell:
        results.append(
            ItemResult(nodeid="tests/test_home.py::test_api_health", file="tests/test_home.py",
                       test="test_api_health", duration_s=0.12)
        )  # fmt: skip
    return RunResults(
        results=results, started_at=1_760_000_000.0, finished_at=1_760_000_083.5, exit_status=1,
        base_url="http://127.0.0.1:8000/", browser="chromium 156.0 — system browser",
        cxcheck_version="0.1.0",
    )  # fmt: skip


@contextmanager
def opened(browser: Browser, path: Path, **options: Any) -> Iterator[tuple[Page, list[str]]]:
    """The report in a fresh page; yields it and every problem seen (console, page error,
    dialog, a request that is not a file of the report folder)."""
    context = browser.new_context(**options)
    page = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def dialog(d: Dialog) -> None:
        problems.append(f"dialog: {d.message}")
        d.dismiss()

    def request(r: Request) -> None:
        if not r.url.startswith("file://"):
            problems.append(f"request: {r.url}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", dialog)
    page.on("request", request)
    try:
        page.goto(path.as_uri())
        yield page, problems
    finally:
        context.close()


@pytest.fixture(params=["inline", "on-demand"])
def panels(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a panel reaches the page: in the markup, or built when opened (big runs)."""
    if request.param == "on-demand":
        monkeypatch.setattr(report, "INLINE_PANELS", 0)
    return str(request.param)


def built(page: Page) -> None:
    """Wait until every opened panel has its content (on-demand panels fill in asynchronously)."""
    page.wait_for_function("() => !document.querySelector('details[open] > .bd[data-lazy]')")


def anchor(nodeid: str) -> str:
    """The href of a result's panel: its node id's short hash."""
    return "#i-" + hashlib.sha1(nodeid.encode()).hexdigest()[:10]


def test_page_carries_a_csp_that_allows_only_its_own_script_and_style(tmp_path: Path) -> None:
    text = write_report(sample_run(tmp_path), tmp_path / "report").read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert meta is not None
    assert text.index("Content-Security-Policy") < text.index("<style>")
    policy = meta.group(1)
    assert policy == content_security_policy()
    for part in ("default-src 'none'", "img-src 'self';", "base-uri 'none'",
                 "form-action 'none'"):  # fmt: skip
        assert part in policy
    assert "data:" not in policy  # only a single-file report's pictures are data: URIs
    assert "unsafe-inline" not in policy
    scripts = re.findall(r"<script>(.*?)</script>", text, flags=re.S)
    styles = re.findall(r"<style>(.*?)</style>", text, flags=re.S)
    assert len(scripts) == 1
    assert len(styles) == 1
    for source, directive in ((scripts[0], "script-src"), (styles[0], "style-src")):
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", text, flags=re.I), "an inline handler"
    assert not re.search(r"\sstyle\s*=", text), "a style attribute (the CSP would block it)"


def test_evidence_is_copied_next_to_the_page_and_missing_files_are_skipped(
    tmp_path: Path,
) -> None:
    run = sample_run(tmp_path)
    report = tmp_path / "report"
    write_report(run, report)  # an older report in the same folder...
    (report / FILES_DIR / "stale").mkdir(parents=True)  # ...with evidence of its own
    text = write_report(run, report).read_text(encoding="utf-8")
    failed = next(r for r in run.results if r.nodeid == FAILED_ID)
    key = hashlib.sha1(FAILED_ID.encode()).hexdigest()[:10]
    copied = report / FILES_DIR / key
    assert sorted(p.name for p in copied.iterdir()) == sorted(failed.evidence[:-1])
    assert "gone.jpg" not in text
    original = Path(failed.evidence_dir or "") / "trace.zip"
    assert (copied / "trace.zip").samefile(original) or (copied / "trace.zip").read_bytes() == (
        original.read_bytes()
    )
    flaky_key = hashlib.sha1(FLAKY_ID.encode()).hexdigest()[:10]
    assert (
        report / FILES_DIR / f"{flaky_key}-attempt-1" / "step-02-search-for-a-jacket.jpg"
    ).is_file()
    assert not (report / FILES_DIR / "stale").exists()
    assert f'src="files/{key}/step-01-open-home.jpg"' in text


def test_report_in_a_real_browser(cx_browser: Browser, tmp_path: Path, panels: str) -> None:
    run = sample_run(tmp_path)
    path = write_report(run, tmp_path / "report")
    with opened(cx_browser, path) as (page, problems):
        # the matrix: 3 devices x 2 networks; a test outside the matrix in a section of its own
        assert page.locator("#mx thead tr").nth(1).locator("th").all_inner_texts() == [
            *NETWORKS * 3
        ]
        assert page.locator("#mx thead th[data-g]:not([data-c])").all_inner_texts() == list(DEVICES)
        assert page.locator("#mx thead th[rowspan='2'][data-c]").count() == 0
        assert page.locator("#ox tr.r").count() == 1
        failed = page.locator(f"#mx td.c.o-failed a[href='{anchor(FAILED_ID)}']")
        assert "check out" in failed.inner_text()
        assert page.locator(f"#mx td.c.o-flaky a[href='{anchor(FLAKY_ID)}']").count() == 1
        assert page.locator(f"#mx td.c.o-not-run a[href='{anchor(NOT_RUN_ID)}']").count() == 1
        for outcome in ("error", "skipped", "passed"):
            assert page.locator(f"#mx td.c.o-{outcome}").count() >= 1
        # rows worst first across files: the failed test's row leads, naming its file
        assert page.locator("#mx tr.r th .rn").first.inner_text() == "test_checkout"
        assert page.locator("#mx tr.r th .rf").first.inner_text() == "tests/test_checkout.py"
        assert "1 failed" in page.locator("h1.verdict").inner_text()

        # a cell opens its panel: steps, screenshots that load, findings, trace
        failed.click()
        panel = page.locator(f"details.it:has({anchor(FAILED_ID)})")
        assert panel.get_attribute("open") is not None
        built(page)
        assert page.url.endswith(anchor(FAILED_ID))
        shots = panel.locator(":scope > .bd > .shots img")
        assert shots.count() == 3
        page.wait_for_function(
            "els => els.every(i => i.complete && i.naturalWidth > 0)", arg=shots.element_handles()
        )
        assert panel.locator("table.steps tr.bad").count() == 1
        assert panel.locator("table.steps th", has_text="LCP").count() == 1
        for severity in ("error", "warning", "info", "ignored"):
            assert panel.locator(f".sev-{severity} li").count() >= 1
        assert "ignored" in panel.locator(".sev-ignored").inner_text()
        assert "machine busy" in panel.inner_text()
        assert panel.locator("ul.px li").count() == 4  # 2 failed requests, console, page error
        key = hashlib.sha1(FAILED_ID.encode()).hexdigest()[:10]
        assert panel.locator("a[download]").get_attribute("href") == f"files/{key}/trace.zip"
        assert panel.locator(".cmd code").inner_text() == (
            f"playwright show-trace files/{key}/trace.zip"
        )
        assert panel.locator("details.err pre").count() == 1
        assert not panel.locator("details.err").evaluate("d => d.open")

        # the flaky result shows its failed first attempt with that attempt's screenshots
        page.locator(f"#mx a[href='{anchor(FLAKY_ID)}']").click()
        built(page)
        flaky = page.locator(f"details.it:has({anchor(FLAKY_ID)})")
        attempt = flaky.locator("details.att")
        assert "Attempt 1 (failed)" in attempt.locator("summary").inner_text()
        attempt.locator("summary").click()
        attempt_shots = attempt.locator(".shots img")
        assert "-attempt-1/" in (attempt_shots.first.get_attribute("src") or "")
        page.wait_for_function(
            "els => els.every(i => i.complete && i.naturalWidth > 0)",
            arg=attempt_shots.element_handles(),
        )

        # filters: outcome chips, device and network, free text
        items = page.locator("details.it")
        total = items.count()
        assert total == len(run.results)
        page.locator("#f-o label.o-passed").click()
        assert page.locator("details.it.o-passed:visible").count() == 0
        assert (
            page.locator("#mx td.c.o-passed.off").count()
            == page.locator("#mx td.c.o-passed").count()
        )
        assert page.locator("details.it:visible").count() == total - run.counts()["passed"]
        assert "shown" in page.locator("#f-count").inner_text()
        page.locator("#f-reset").click()
        assert page.locator("details.it:visible").count() == total

        page.locator("#f-d").select_option("ipad-mini")
        assert page.locator("#mx thead th[data-g]:not([data-c]):visible").all_inner_texts() == [
            "ipad-mini"
        ]
        assert page.locator("#mx tbody td.c:visible").count() == 6
        page.locator("#f-n").select_option("slow-4g")
        assert page.locator("#mx tbody td.c:visible").count() == 3
        page.locator("#f-reset").click()

        page.locator("#f-q").fill("basket total")  # a test-level finding's message
        page.wait_for_function("() => document.body.classList.contains('filtered')")
        assert page.locator("details.it:visible").count() == 1
        assert page.locator("#mx tbody tr.r:visible").count() == 1
        assert page.locator("#mx tbody:visible").count() == 1
        page.locator("#f-q").fill("test_home api_health")  # node id, every word
        page.wait_for_function(
            "() => document.querySelectorAll('details.it:not([hidden])').length === 1"
        )
        page.locator("#f-q").fill("")
        page.wait_for_function("() => !document.body.classList.contains('filtered')")
        assert page.locator("#mx tbody tr.r:visible").count() == 3
        assert problems == []


def test_cells_open_their_panel_without_javascript(
    cx_browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "INLINE_PANELS", 3)  # the worst three are in the markup
    path = write_report(sample_run(tmp_path), tmp_path / "report")
    with opened(cx_browser, path, java_script_enabled=False) as (page, problems):
        assert not page.locator(".bar").is_visible()  # the filters need the script
        assert page.get_by_text("Without JavaScript only the first 3 results").is_visible()
        page.locator(f"#mx a[href='{anchor(FAILED_ID)}']").click()
        panel = page.locator(f"details.it:has({anchor(FAILED_ID)})")
        expect(panel).to_have_attribute("open", "")  # fragment navigation opens <details>
        expect(panel.locator("table.steps tbody tr.bad")).to_be_visible()
        assert problems == []


def test_hostile_strings_stay_text(cx_browser: Browser, tmp_path: Path, panels: str) -> None:
    evidence = tmp_path / "evil"
    shot = '"><img src=x onerror=window.__pwned=5>.jpg'
    fake_screenshot(evidence / shot, (60, 80), 0)
    fake_screenshot(tmp_path / "secret.jpg", (60, 80), 1)
    (evidence / "javascript:alert(1)").write_text("a file, not a URL")
    step = StepRecord(
        index=1, name=EVIL, budget_s=1.0, duration_s=2.0, screenshot=shot, status="failed",
        error=EVIL, console_errors=HOSTILE, page_errors=HOSTILE,
        failed_requests=[FailedRequest("javascript:alert(1)", EVIL, 500, EVIL, True)],
        vitals=Vitals("javascript:alert(1)", 1.0, 2.0, 3.0, 0.1, None),
        findings=[Finding(EVIL, EVIL, severity=s, check=EVIL, target="javascript:alert(1)",
                          data={EVIL: EVIL, "html": "</script><script>window.__pwned=6</script>"})
                  for s in ("error", "warning", "info", "ignored", EVIL)],
    )  # fmt: skip
    results = [
        ItemResult(
            nodeid=f"tests/x.py::test_{v}[{v}]",
            file=EVIL,
            test=v,
            cell=v,
            device=v,
            network=v,
            params={"p": EVIL},
            outcome=o,
            message=EVIL,
            error=EVIL + "\n" + EVIL,
            steps=[step],
            findings=step.findings,
            evidence_dir=str(evidence),
            evidence=[shot, "../secret.jpg", "/etc/passwd", "a\\..\\b", "javascript:alert(1)"],
            trace=EVIL,
            browser=EVIL,
            worker=EVIL,
            engine=EVIL,
            load=MachineLoad(99, 99, 1),
            # on the timeline too: its worker, label and tooltip are hostile
            started_at=1_000.0,
            finished_at=1_002.0,
            cpu_s=1.0,
            attempts=[
                ItemResult(
                    nodeid=EVIL,
                    file=EVIL,
                    test=EVIL,
                    outcome="failed",
                    message=EVIL,
                    worker=EVIL,
                    started_at=998.0,
                    finished_at=999.0,
                    steps=[step],
                    evidence_dir=str(evidence),
                    evidence=[shot],
                )
            ],
        )
        for v, o in zip(HOSTILE, ("failed", "flaky", EVIL, "passed", *["error"] * 4), strict=True)
    ]
    run = RunResults(results=results, exit_status=1, interrupted=True, base_url=EVIL,
                     browser=EVIL, cxcheck_version=EVIL)  # fmt: skip
    path = write_report(run, tmp_path / "report")
    assert not (tmp_path / "report" / "secret.jpg").exists()
    assert not any("secret" in p.name for p in (tmp_path / "report").rglob("*"))
    with opened(cx_browser, path) as (page, problems):
        page.wait_for_timeout(100)  # an injected image error or timer would have fired by now
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert problems == []
        # DOM clicks: every panel, attempt and error opened, so all their markup is live
        page.eval_on_selector_all("#mx td.c a", "as => as.forEach(a => a.click())")
        built(page)
        page.eval_on_selector_all(
            "details.att > summary, details.err > summary", "ss => ss.forEach(s => s.click())"
        )
        page.locator("#f-q").fill("script")
        page.locator("#f-o input").first.evaluate("i => i.click()")
        page.locator("#f-reset").click()
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        hrefs = page.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
        srcs = page.eval_on_selector_all("[src]", "els => els.map(e => e.getAttribute('src'))")
        assert all(h.startswith(("#", "files/")) or h == "favicon.svg" for h in hrefs), hrefs
        assert srcs and all(s.startswith("files/") for s in srcs), srcs
        assert any(h.endswith("/javascript%3Aalert%281%29") for h in hrefs)
        assert page.locator("script:not([type])").count() == 1  # the rest are data blocks
        assert set(page.eval_on_selector_all("script[type]", "ss => ss.map(s => s.type)")) <= {
            "application/json",
            "application/gzip+json",
        }
        assert page.locator("style").count() == 1
        body = page.locator("body").inner_text()
        assert "<script>window.__pwned=1</script>" in body
        assert "javascript:alert(1)" in body
        assert page.locator("[role=alert]").count() == 1  # the interrupted banner
        assert page.locator("svg.tl rect.tb").count() == 2 * len(HOSTILE)  # attempts too
        shots = page.locator("details[open] .shots img")
        assert shots.count() >= 8
        shots.evaluate_all("imgs => imgs.forEach(i => { i.loading = 'eager'; })")  # off-screen
        page.wait_for_function(
            "els => els.every(i => i.complete && i.naturalWidth > 0)", arg=shots.element_handles()
        )
        assert problems == []


def test_features_a_run_did_not_use_stay_out_of_the_way(
    cx_browser: Browser, tmp_path: Path
) -> None:
    plain = ItemResult(nodeid="tests/t.py::test_plain", file="tests/t.py", test="test_plain",
                       duration_s=0.4)  # fmt: skip
    stepped = ItemResult(
        nodeid="tests/t.py::test_steps", file="tests/t.py", test="test_steps", duration_s=1.0,
        steps=[StepRecord(index=1, name="go", budget_s=None, duration_s=0.8)],
    )  # fmt: skip
    path = write_report(RunResults(results=[plain, stepped], exit_status=0), tmp_path / "r")
    text = re.sub(r"<(style|script)>.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    for absent in ("Findings", "Screenshots", "TTFB", "Budget</th>", "Requests</th>", "Trace",
                   "machine busy", "Earlier attempts", "Evidence files", "Full error",
                   'id="f-d"', 'id="f-n"', "Interrupted", 'role="alert"',
                   'id="timeline"'):  # fmt: skip
        assert absent not in text, absent
    assert not (tmp_path / "r" / FILES_DIR).exists()
    with opened(cx_browser, path) as (page, problems):
        assert page.locator("h1.verdict").inner_text() == "all 2 passed"
        assert page.locator("#f-o input").count() == 1  # only outcomes that occurred
        # no device × network cells: no matrix, the tests are listed outside it
        assert page.locator("#mx").count() == 0
        assert page.locator("#ox td.c").count() == 2
        assert problems == []

    empty = write_report(RunResults(), tmp_path / "empty").read_text(encoding="utf-8")
    assert "No cxcheck results in this run." in empty


@pytest.mark.parametrize(
    ("counts", "verdict"),
    [
        ({"failed": 2, "passed": 3}, "2 failed of 5"),
        ({"error": 1, "passed": 1}, "1 error of 2"),
        ({"flaky": 1, "passed": 3}, "4 passed · 1 flaky"),
        ({"not-run": 2, "passed": 1}, "2 of 3 not run"),
        ({"skipped": 2}, "2 skipped"),
    ],
)
def test_verdict(tmp_path: Path, counts: dict[str, int], verdict: str) -> None:
    results = [
        ItemResult(nodeid=f"t.py::test_{o}_{i}", file="t.py", test=f"test_{o}", outcome=o)
        for o, n in counts.items()
        for i in range(n)
    ]
    text = write_report(RunResults(results=results), tmp_path).read_text(encoding="utf-8")
    assert f">{verdict}</h1>" in text


def test_a_folder_whose_files_are_not_the_reports_is_refused(tmp_path: Path) -> None:
    from cxcheck.model.errors import CxError

    (tmp_path / "docs" / FILES_DIR).mkdir(parents=True)
    (tmp_path / "docs" / FILES_DIR / "mine.txt").write_text("keep me")
    with pytest.raises(CxError, match="was not written by cxcheck"):
        write_report(sample_run(tmp_path), tmp_path / "docs")
    assert (tmp_path / "docs" / FILES_DIR / "mine.txt").read_text() == "keep me"
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(CxError, match="this is a file"):
        write_report(sample_run(tmp_path), tmp_path / "a-file")


def test_jinja2_is_loaded_only_to_write_a_report(tmp_path: Path) -> None:
    """The plugin and the report's entry point import no template engine until a report is
    written."""
    code = (
        "import sys, pathlib, cxcheck.plugin.hooks, cxcheck.outputs.report.page as page\n"
        "from cxcheck.model.results import RunResults\n"
        "assert 'jinja2' not in sys.modules\n"
        f"page.write_report(RunResults(results=[]), pathlib.Path({str(tmp_path / 'r')!r}))\n"
        "assert 'jinja2' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
