"""Make the report's pictures in ``docs/``: the demo with every defect, as a release manager opens
it on a 1440×900 screen (``report-desktop.png``, the failures view) and on a 390 px phone
(``report-phone.png``), in headless Chromium.

cxcheck demo --defects          # writes cx-report/index.html
python docs/make_report_screenshot.py cx-report/index.html
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from cxcheck.browser.launch import BrowserSettings, launch

HERE = Path(__file__).parent


def main() -> int:
    report = Path(sys.argv[1] if len(sys.argv) > 1 else "cx-report/index.html").resolve()
    with sync_playwright() as pw:
        browser, _ = launch(pw, BrowserSettings())
        desktop = browser.new_page(viewport={"width": 1440, "height": 900})
        desktop.goto(report.as_uri() + "#failures")
        desktop.screenshot(path=str(HERE / "report-desktop.png"))
        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
        )
        phone.goto(report.as_uri())
        phone.locator("#mx").scroll_into_view_if_needed()
        phone.screenshot(path=str(HERE / "report-phone.png"))
        browser.close()
    print(HERE / "report-desktop.png", HERE / "report-phone.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
