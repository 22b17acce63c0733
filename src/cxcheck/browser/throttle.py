"""Network and CPU throttling through Chromium's DevTools protocol (CDP).

A CDP session belongs to one page, so conditions are applied to every page of a context: the
ones open now and, through the context's ``page`` event, the ones opened later (popups, new tabs).
Offline is left to Playwright's own ``offline`` context option, which every engine supports.

Conditions go as rules (``Network.emulateNetworkConditionsByRule``: each per-host rule, then one
global rule for every other request) plus ``Network.overrideNetworkState`` for what the page's
``navigator`` says; a Chromium that answers that these do not exist gets the deprecated
``Network.emulateNetworkConditions`` instead, asked once per browser
(:mod:`cxcheck.browser.hostrules`).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cxcheck.browser import hostrules
from cxcheck.config.hosts import HostRule
from cxcheck.config.matrix import CDP_ENGINES, check_engine, needs_cdp
from cxcheck.config.profiles import NetworkProfile

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, Page

# Each context's throttle, so that a journey can change the network mid-way (a tunnel).
_THROTTLES: weakref.WeakKeyDictionary[Any, Throttle] = weakref.WeakKeyDictionary()


def network_conditions(network: NetworkProfile) -> dict[str, Any]:
    """The ``Network.emulateNetworkConditions`` parameters for a profile (bytes/s, ms)."""
    return hostrules.conditions(network)


class Throttle:
    """Applies one network profile and CPU slowdown to every page of a browser context."""

    def __init__(
        self, network: NetworkProfile, cpu_slowdown: float = 1.0, hosts: Sequence[HostRule] = ()
    ) -> None:
        self.network = network
        self.cpu_slowdown = cpu_slowdown
        self.hosts = tuple(hosts)
        self.watch: hostrules.HostWatch | None = None
        # Sessions are kept so that they stay attached for the page's lifetime.
        self.sessions: list[CDPSession] = []
        self.pages: list[Page] = []
        self._by_page: list[tuple[Page, CDPSession]] = []

    @property
    def active(self) -> bool:
        return needs_cdp(self.network) or self.cpu_slowdown > 1 or bool(self.hosts)

    def attach(self, context: BrowserContext) -> None:
        """Throttle the context's open pages and every page it opens from now on.

        The context's ``page`` event alone comes too late: the sync API delivers it after
        ``new_page()`` has returned, so the first navigation would run unthrottled. Pages the
        test opens with ``context.new_page()`` are therefore throttled before that call returns;
        popups and tabs the page opens itself are throttled through the event.
        """
        _THROTTLES[context] = self
        self.watch = hostrules.HostWatch(context, self.hosts)
        if not self.active:
            return
        if self.hosts:
            self._route_hosts(context)
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
        if needs_cdp(self.network) or self.hosts:
            self._send(page, session, self.network)
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
            self._send(page, session, network)  # the per-host rules stay in front
        self.network = network

    def _send(self, page: Page, session: CDPSession, network: NetworkProfile) -> None:
        """The cell's network for every request, the hosts' for theirs, as rules when the
        browser has them, else the deprecated call (asked once per browser)."""
        from playwright.sync_api import Error

        support = hostrules.support_of(page.context)
        session.send("Network.enable")
        if support.by_rule is not False:
            matched = hostrules.rules(network, self.hosts, bool(support.rule_offline))
            try:
                session.send(hostrules.BY_RULE, {"matchedNetworkConditions": matched})
                session.send(hostrules.NETWORK_STATE, hostrules.conditions(network))
                support.by_rule = True
                return
            except Error as exc:
                if not hostrules.missing_method(exc):
                    raise
                support.by_rule = False
                hostrules.routed(self.hosts, support)  # a host only rules can throttle: say so
        session.send(hostrules.OLD_CALL, network_conditions(network))

    def _route_hosts(self, context: BrowserContext) -> None:
        """Ask the browser, once, what its rules can hold; routes hold the rest."""
        support = hostrules.support_of(context)
        hostrules.ask(context, support, offline=any(h.network.offline for h in self.hosts))
        hostrules.add_routes(context, hostrules.routed(self.hosts, support))


def throttle_of(context: BrowserContext, network: NetworkProfile) -> Throttle:
    """The throttle cxcheck attached to ``context``, or a new one for a context made elsewhere."""
    found = _THROTTLES.get(context)
    if found is None:
        found = _THROTTLES[context] = Throttle(network)
    return found


def throttle_if_any(context: BrowserContext) -> Throttle | None:
    """The throttle cxcheck attached to ``context``, if it did."""
    return _THROTTLES.get(context)
