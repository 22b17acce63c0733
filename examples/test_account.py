"""Behind a login, in Python: ``cx_session.use(sign_in)`` signs in once per device per worker
and every later cell of that device starts signed in (the storage state is reused)."""

import os

from playwright.sync_api import Page, expect

from cxcheck import Journey, Session

PAGE_BUDGET = {"slow-4g": "15s", "*": "5s"}


def sign_in(page: Page) -> None:
    """Run as the step "session · sign_in", in the first cell of each device only."""
    page.goto("/account/login")
    page.get_by_label("Email").fill("ada@example.com")
    # A CI secret in the environment (examples/conftest.py sets the demo customer's).
    page.get_by_label("Password").fill(os.environ["CXSHOP_PASSWORD"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in")).to_be_visible()


def test_profile_name_can_be_saved(cx_session: Session, cx_journey: Journey) -> None:
    cx_session.use(sign_in)
    page = cx_journey.page
    with cx_journey.step("save the display name", budget=PAGE_BUDGET):
        page.goto("/account")
        page.get_by_label("Display name").fill("Ada")
        page.get_by_role("button", name="Save profile").click()
        expect(page.locator("#profile-saved")).to_be_visible()
