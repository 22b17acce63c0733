"""Responsive layout and accessibility on every device: nothing scrolls sideways, touch targets
are big enough for a finger, and axe-core finds no serious accessibility problem."""

import pytest

from cxcheck import A11y, Layout

PAGES = ["/", "/product/alpine-shell-jacket", "/basket", "/support"]


@pytest.mark.cx(networks="no-throttle")
@pytest.mark.parametrize("path", PAGES)
def test_layout_fits_the_device(cx_layout: Layout, path: str) -> None:
    # Reflow (WCAG 1.4.10) and, on touch devices, target size (WCAG 2.5.8).
    cx_layout.page.goto(path)
    cx_layout.check()


@pytest.mark.cx(networks="no-throttle")
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_accessible(cx_a11y: A11y, path: str) -> None:
    # axe-core, WCAG 2.0-2.2 A and AA; serious and critical violations fail.
    cx_a11y.page.goto(path)
    cx_a11y.check()


@pytest.mark.cx(devices="laptop-1366", networks="no-throttle")
def test_narrowest_width_where_the_home_page_breaks(cx_layout: Layout) -> None:
    # Hypothesis and the page's own breakpoints choose the widths; a break fails the test
    # and names the narrowest width where it starts.
    cx_layout.find_breaks("/", widths=(320, 1440))
