"""Make ``docs/report.png``: the demo's HTML report with one failed cell open, in headless Chromium.

cxcheck demo --defects hidden-checkout,slow-price     # writes cx-report/index.html
python docs/make_report_screenshot.py cx-report/index.html
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from cxcheck.browser.launch import BrowserSettings, launch


def main() -> int:
    report = Path(sys.argv[1] if len(sys.argv) > 1 else "cx-report/index.html").resolve()
    out = Path(__file__).with_name("report.png")
    with sync_playwright() as pw:
        browser, _ = launch(pw, BrowserSettings())
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        page.goto(report.as_uri())
        # The hidden Checkout button on a phone: the kind of cell a reader opens first.
        page.locator("a[href^='#i-']", has_text="check out").first.click()
        page.wait_for_timeout(500)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out))
        browser.close()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
