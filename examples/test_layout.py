"""Responsive layout and accessibility on every device: nothing scrolls sideways, touch targets
are big enough for a finger, and axe-core finds no serious accessibility problem."""

import pytest
from hypothesis import HealthCheck, given, settings
from playwright.sync_api import expect

from cxcheck import A11y, Layout
from cxcheck import strategies as cx

PAGES = ["/", "/product/alpine-shell-jacket", "/basket", "/support"]


@pytest.mark.cx(networks="no-throttle")
@pytest.mark.parametrize("path", PAGES)
def test_layout_fits_the_device(cx_layout: Layout, path: str) -> None:
    # Reflow (WCAG 1.4.10) and, on touch devices, target size (WCAG 2.5.8). A part of the page
    # that is not yours (a chat widget) can be left out: cx_layout.check(exclude="#chat").
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


# Hypothesis chooses the widths and the names nobody listed, and shrinks a failure to the
# narrowest width and the plainest name that still break the form. Every example resizes the
# one page and loads the form afresh, so sharing the function-scoped page between examples is
# safe: that is why the health check about function-scoped fixtures is switched off here.
@pytest.mark.cx(devices="laptop-1366", networks="no-throttle")
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(viewport=cx.viewports(max_width=1440), name=cx.names())
def test_support_form_takes_any_name_at_any_width(
    cx_layout: Layout, viewport: cx.Viewport, name: str
) -> None:
    page = cx_layout.page
    page.set_viewport_size({"width": viewport.width, "height": viewport.height})
    page.goto("/support")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Message").fill("Where is my parcel?")
    cx_layout.assert_reachable("#support-form button[type=submit]")
    page.locator("#support-form button[type=submit]").click()
    expect(page.locator("#support-reply")).to_contain_text("A person will reply")
    # fail_fast: raise inside this example, so Hypothesis can shrink it.
    cx_layout.check(checks=["reflow"], fail_fast=True)
