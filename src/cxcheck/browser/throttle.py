"""Network and CPU throttling through Chromium's DevTools protocol (CDP).

A CDP session belongs to one page, so conditions are applied to every page of a context: the
ones open now and, through the context's ``page`` event, the ones opened later (popups, new tabs).
Offline is left to Playwright's own ``offline`` context option, which every engine supports.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from cxcheck.config.matrix import CDP_ENGINES, check_engine, needs_cdp
from cxcheck.config.profiles import NetworkProfile

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, Page

# Each context's throttle, so that a journey can change the network mid-way (a tunnel).
_THROTTLES: weakref.WeakKeyDictionary[Any, Throttle] = weakref.WeakKeyDictionary()


def network_conditions(network: NetworkProfile) -> dict[str, Any]:
    """The ``Network.emulateNetworkConditions`` parameters for a profile (bytes/s, ms)."""
    down = network.down_bytes_per_s
    up = network.up_bytes_per_s
    return {
        "offline": network.offline,
        "latency": network.latency_ms,
        # -1 is CDP's "no limit".
        "downloadThroughput": -1 if down is None else down,
        "uploadThroughput": -1 if up is None else up,
    }


class Throttle:
    """Applies one network profile and CPU slowdown to every page of a browser context."""

    def __init__(self, network: NetworkProfile, cpu_slowdown: float = 1.0) -> None:
        self.network = network
        self.cpu_slowdown = cpu_slowdown
        # Sessions are kept so that they stay attached for the page's lifetime.
        self.sessions: list[CDPSession] = []
        self.pages: list[Page] = []
        self._by_page: list[tuple[Page, CDPSession]] = []

    @property
    def active(self) -> bool:
        return needs_cdp(self.network) or self.cpu_slowdown > 1

    def attach(self, context: BrowserContext) -> None:
        """Throttle the context's open pages and every page it opens from now on.

        The context's ``page`` event alone comes too late: the sync API delivers it after
        ``new_page()`` has returned, so the first navigation would run unthrottled. Pages the
        test opens with ``context.new_page()`` are therefore throttled before that call returns;
        popups and tabs the page opens itself are throttled through the event.
        """
        _THROTTLES[context] = self
        if not self.active:
            return
        for page in context.pages:
            self.apply(page)
        context.on("page", self.apply)
        open_page = context.new_page

        def new_page(*args: Any, **kwargs: Any) -> Page:
            page = open_page(*args, **kwargs)
            self.apply(page)
            return page

        context.new_page = new_page  # type: ignore[method-assign]

    def apply(self, page: Page) -> None:
        """Throttle one page; returns once the conditions are in force.

        The ``page`` event handler and ``new_page()`` may both reach one page, interleaved by the
        sync API's greenlets. A page counts as done only after its conditions were sent, so
        neither returns early while the other is still sending; sending twice is harmless.
        """
        if any(p is page for p in self.pages):
            return
        session = self._session(page)
        if needs_cdp(self.network):
            session.send("Network.enable")
            session.send("Network.emulateNetworkConditions", network_conditions(self.network))
        if self.cpu_slowdown > 1:
            session.send("Emulation.setCPUThrottlingRate", {"rate": self.cpu_slowdown})
        self.pages.append(page)

    def _session(self, page: Page) -> CDPSession:
        for known, session in self._by_page:
            if known is page:
                return session
        session = page.context.new_cdp_session(page)
        self.sessions.append(session)
        self._by_page.append((page, session))
        return session

    def set_network(self, page: Page, network: NetworkProfile) -> None:
        """Switch ``page`` (and pages opened later) to ``network`` now, e.g. offline and back."""
        engine = page.context.browser.browser_type.name if page.context.browser else "chromium"
        check_engine(engine, (), (network,))
        page.context.set_offline(network.offline)
        if engine in CDP_ENGINES:
            session = self._session(page)
            if not any(p is page for p in self.pages):
                self.pages.append(page)
            session.send("Network.enable")
            session.send("Network.emulateNetworkConditions", network_conditions(network))
        self.network = network


def throttle_of(context: BrowserContext, network: NetworkProfile) -> Throttle:
    """The throttle cxcheck attached to ``context``, or a new one for a context made elsewhere."""
    found = _THROTTLES.get(context)
    if found is None:
        found = _THROTTLES[context] = Throttle(network)
    return found
