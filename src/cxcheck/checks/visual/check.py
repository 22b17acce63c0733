"""Visual checks: a page (or one element) against its baseline picture, one baseline per device.

Baselines live in the repository next to the test, at a path anyone can predict:
``__cx_snapshots__/<module>/<test>/<name>-<device>.png``, with the browser and platform that
made them in a ``.json`` beside each. Bandwidth must not change pixels, so all the networks of
a device share its baseline. Captures are made stable first (animations stopped, caret hidden,
web fonts loaded, CSS-pixel scale, masked regions painted over, and repeated until two
consecutive captures agree); the comparison is :mod:`cxcheck.checks.visual.imagediff`
(pixelmatch's method).
A failure leaves expected, actual, diff and a side-by-side picture in the test's evidence.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcheck.model.errors import CxError
from cxcheck.model.findings import JourneyStepError, add_finding
from cxcheck.model.results import Finding
from cxcheck.model.text import slug

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from cxcheck.checks.visual import imagediff
    from cxcheck.config.profiles import DeviceProfile

SNAPSHOT_DIR = "__cx_snapshots__"
MASK_COLOUR = "#FF00FF"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STABLE_TRIES = 5  # captures until two consecutive ones agree


class VisualError(CxError):
    """A snapshot cannot be taken or compared; the message names the file or value and the fix."""


@dataclass(frozen=True)
class VisualSettings:
    """The run's visual settings: ``--cx-update-snapshots`` and ini ``cx_visual_*``."""

    update: bool = False
    threshold: float = 0.2
    max_diff_pixels: int | None = None
    max_diff_ratio: float | None = None
    run_id: str = ""


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name) or name in (".", ".."):
        raise VisualError(
            f"snapshot name {name!r} cannot be a file name: use letters, digits, '.', '_' and "
            "'-' (no slashes or spaces), e.g. 'home-header'"
        )
    return name


def snapshot_path(test_file: Path, test: str, variant: str, name: str, device: str) -> Path:
    """``<test dir>/__cx_snapshots__/<module>/<test>[-<variant>]/<name>-<device>.png``."""
    folder = slug(test) + (f"-{slug(variant)}" if variant else "")
    return (
        test_file.parent
        / SNAPSHOT_DIR
        / test_file.name.split(".")[0]
        / folder
        / (f"{name}-{slug(device)}.png")
    )


def where_made(browser: str) -> dict[str, str]:
    """What a baseline's pixels depend on besides the page: the browser and the platform."""
    system = f"{platform.system().lower()}-{platform.machine()}"
    with contextlib.suppress(OSError):
        release = platform.freedesktop_os_release()
        system += f" {release.get('ID', '')}{release.get('VERSION_ID', '')}".rstrip()
    return {"browser": browser, "platform": system}


def _differs(made: dict[str, Any], now: dict[str, str]) -> str | None:
    parts = []
    for key in ("browser", "platform"):
        if made.get(key) and made.get(key) != now[key]:
            parts.append(f"{key} {made[key]!r}, this run {now[key]!r}")
    if not parts:
        return None
    return (
        "the baseline was made elsewhere (" + "; ".join(parts) + "): fonts and anti-aliasing "
        "differ between machines, so make baselines where CI runs (the same container or "
        "image), or refresh them there with --cx-update-snapshots"
    )


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def claim(path: Path, run_id: str) -> bool:
    """True for the one cell of this run that writes ``path`` (the same device on several
    networks, under xdist: never two writers of one file)."""
    if not run_id:
        return True
    folder = Path(tempfile.gettempdir()) / f"cxcheck-snapshots-{run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    token = folder / hashlib.sha1(str(path.resolve()).encode()).hexdigest()
    try:
        os.close(os.open(token, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


FREEZE_CSS = """*, *::before, *::after {
  caret-color: transparent !important;
  transition: none !important;
  animation-play-state: paused !important;
}"""


class Visual:
    """``cx_visual``: compare what the page looks like on this device with its baseline."""

    def __init__(
        self,
        page: Page,
        device: DeviceProfile,
        settings: VisualSettings,
        *,
        test_file: Path,
        test: str,
        variant: str,
        evidence: Path,
        browser: str,
    ) -> None:
        self.page = page
        self.device = device
        self.settings = settings
        self.test_file = test_file
        self.test = test
        self.variant = variant
        self.evidence = evidence
        self.browser = browser
        self.claimed: set[Path] = set()  # baselines this test wrote in update mode

    def path(self, name: str) -> Path:
        """Where the baseline of snapshot ``name`` is, for this test and device."""
        return snapshot_path(
            self.test_file, self.test, self.variant, check_name(name), self.device.name
        )

    # --- capturing ---

    def capture(
        self,
        page: Page | None = None,
        *,
        selector: str | None = None,
        full_page: bool = True,
        mask: Iterable[str] = (),
        style: str | None = None,
    ) -> bytes:
        """A stable PNG of the page or the element: the same pixels twice in a row."""
        page = page or self.page
        masks = [self._mask(page, s) for s in _selectors(mask)]
        page.evaluate("() => document.fonts ? document.fonts.ready.then(() => true) : true")
        options: dict[str, Any] = {
            "type": "png",
            "animations": "disabled",
            "caret": "hide",
            "scale": "css",
            "mask": masks,
            "mask_color": MASK_COLOUR,
            "style": FREEZE_CSS + ("\n" + style if style else ""),
        }
        target: Page | Locator = page
        if selector:
            target = page.locator(selector).first
            if target.count() == 0:
                raise VisualError(f"snapshot selector {selector!r} matches nothing on {page.url}")
        else:
            options["full_page"] = full_page
        previous = None
        for _ in range(STABLE_TRIES):
            shot = target.screenshot(**options)
            if shot == previous:
                return shot
            previous = shot
            time.sleep(0.05)
        assert previous is not None
        return previous  # still changing: compared as it is, and the diff will show where

    @staticmethod
    def _mask(page: Page, selector: str) -> Locator:
        locator = page.locator(selector)
        if locator.count() == 0:
            raise VisualError(
                f"mask selector {selector!r} matches nothing on {page.url}: a mask that hides "
                "nothing would let the dynamic content it was meant to hide fail the snapshot; "
                "fix the selector"
            )
        return locator

    # --- the assertion ---

    def assert_matches(
        self,
        name: str,
        *,
        page: Page | None = None,
        selector: str | None = None,
        full_page: bool = True,
        mask: Iterable[str] | str = (),
        style: str | None = None,
        threshold: float | None = None,
        max_diff_pixels: int | None = None,
        max_diff_ratio: float | None = None,
    ) -> None:
        """The page (or ``selector``'s element) looks like its baseline ``name`` on this device.

        ``mask`` selectors are painted over (dynamic content), ``style`` is CSS applied while
        capturing, ``threshold`` (0–1, default 0.2) is how different a pixel's colour must be
        to count, ``max_diff_pixels`` / ``max_diff_ratio`` how many may differ (the stricter
        wins; default none). With ``--cx-update-snapshots`` the baseline is written instead.
        A missing baseline fails and leaves the capture as a candidate.
        """
        __tracebackhide__ = True
        from cxcheck.checks.visual import imagediff

        path = self.path(name)
        settings = self.settings
        actual = self.capture(
            page, selector=selector, full_page=full_page, mask=_selectors(mask), style=style
        )
        now = where_made(self.browser)
        if settings.update:
            self._update(name, path, actual, now, page or self.page)
            return
        if not path.exists():
            candidate = self._evidence(f"{name}-actual.png", actual)
            self._fail(
                name,
                "missing-baseline",
                f"visual: snapshot {name!r} has no baseline for {self.device.name} yet "
                f"({_rel(path)}). The capture is in {candidate}; accept it with "
                "`pytest --cx-update-snapshots` (or copy it there) and commit it",
                baseline=str(path),
                files={"actual": candidate.name},
            )
        try:
            expected = imagediff.load_rgba(path)
        except CxError as exc:
            raise VisualError(
                f"{exc}. Delete {_rel(path)} and record it again with --cx-update-snapshots"
            ) from None
        got = imagediff.load_rgba(actual)
        level = settings.threshold if threshold is None else threshold
        if not 0 <= level <= 1:
            raise VisualError(f"threshold {level!r} must be between 0 and 1 (default 0.2)")
        diff = imagediff.compare_masks(expected, got, threshold=level)
        result = diff.result
        allowed_pixels = settings.max_diff_pixels if max_diff_pixels is None else max_diff_pixels
        allowed_ratio = settings.max_diff_ratio if max_diff_ratio is None else max_diff_ratio
        problem = imagediff.verdict(
            result, max_diff_pixels=allowed_pixels, max_diff_ratio=allowed_ratio
        )
        if problem is None:
            return
        files = self._failure_files(name, expected, got, diff)
        made = _read_json(path.with_suffix(".json"))
        elsewhere = _differs(made, now)
        message = (
            f"visual: snapshot {name!r} on {self.device.name} differs from its baseline: {problem}"
        )
        message += f"\n  baseline: {_rel(path)}\n  diff: {self.evidence / files['diff']}"
        if elsewhere:
            message += f"\n  note: {elsewhere}"
        self._fail(
            name,
            "snapshot",
            message,
            baseline=str(path),
            files=files,
            diff_pixels=result.diff_pixels,
            ratio=round(result.ratio, 6),
            # the limits it was held to, for the report and the JUnit properties
            threshold=level,
            max_diff_pixels=allowed_pixels,
            max_diff_ratio=allowed_ratio,
            bbox=list(result.bbox) if result.bbox else None,
            made_by=made or None,
        )

    def _update(
        self, name: str, path: Path, actual: bytes, now: dict[str, str], page: Page
    ) -> None:
        if path in self.claimed:
            raise VisualError(
                f"snapshot {name!r} was already written in this test for {self.device.name}; "
                "give each snapshot of a test its own name"
            )
        if not claim(path, self.settings.run_id):
            add_finding(
                "visual",
                f"visual: snapshot {name!r} baseline for {self.device.name} "
                "was written by another cell of this run (same device, another network)",
                severity="info",
                check="snapshot-updated",
                target=str(path),
            )
            return
        self.claimed.add(path)
        if path.exists() and _read_json(path.with_suffix(".json")).get("browser") == now["browser"]:
            from cxcheck.checks.visual import imagediff

            with contextlib.suppress(CxError):
                same = imagediff.compare_masks(
                    imagediff.load_rgba(path), imagediff.load_rgba(actual)
                ).result.identical
                if same:  # no churn in the repository for a picture that did not change
                    add_finding(
                        "visual",
                        f"visual: snapshot {name!r} for {self.device.name} is unchanged",
                        severity="info",
                        check="snapshot-updated",
                        target=str(path),
                    )
                    return
        try:
            _write_atomic(path, actual)
            meta = {**now, "viewport": page.viewport_size, "written": int(time.time())}
            _write_atomic(path.with_suffix(".json"), (json.dumps(meta, indent=2) + "\n").encode())
        except OSError as exc:
            raise VisualError(
                f"cannot write the baseline {path}: {exc.strerror or exc}; make the folder "
                "writable or run from a checkout you can write to"
            ) from None
        add_finding(
            "visual",
            f"visual: wrote the baseline of snapshot {name!r} for {self.device.name}: {_rel(path)}",
            severity="info",
            check="snapshot-updated",
            target=str(path),
        )

    def _evidence(self, file: str, data: bytes) -> Path:
        target = self.evidence / f"visual-{file}"
        try:
            _write_atomic(target, data)
        except OSError as exc:
            raise VisualError(f"cannot write evidence {target}: {exc}") from None
        return target

    def _failure_files(
        self, name: str, expected: Any, got: Any, diff: imagediff.Diff
    ) -> dict[str, str]:
        from io import BytesIO

        from PIL import Image

        from cxcheck.checks.visual.imagediff import composite

        pictures = {
            "expected": Image.fromarray(expected),
            "actual": Image.fromarray(got),
            "diff": diff.image(expected),
        }
        pictures["composite"] = composite(
            pictures["expected"], pictures["actual"], pictures["diff"]
        )
        files = {}
        for kind, picture in pictures.items():
            buffer = BytesIO()
            picture.save(buffer, "PNG", optimize=kind == "composite")
            files[kind] = self._evidence(f"{name}-{kind}.png", buffer.getvalue()).name
        return files

    def _fail(self, name: str, check: str, message: str, **data: Any) -> None:
        __tracebackhide__ = True
        finding = Finding("visual", message, check=check, target=name, data={"name": name, **data})
        raise JourneyStepError(message, [finding])


def _selectors(mask: Iterable[str] | str) -> tuple[str, ...]:
    return (mask,) if isinstance(mask, str) else tuple(mask)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def release_claims(run_id: str) -> None:
    """Remove the run's claim tokens (called once, by the process that started the run)."""
    import shutil

    if run_id:
        shutil.rmtree(
            Path(tempfile.gettempdir()) / f"cxcheck-snapshots-{run_id}", ignore_errors=True
        )
