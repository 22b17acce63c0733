"""What the browser can do for per-host conditions, asked once per browser, and the routes that
stand in where it cannot.

Chromium's ``Network.emulateNetworkConditionsByRule`` applies the first rule whose URLPattern
matches a request; older Chromium has only ``Network.emulateNetworkConditions`` (one set of
conditions for the page). A rule's own ``offline`` is newer still: where the browser ignores it,
an offline host is a Playwright route that aborts its requests as the browser would
("internetdisconnected"). A blackhole host is a rule with a latency no test waits out, or, without
rules, a route that never answers.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxcheck.config.hosts import HostRule
from cxcheck.config.profiles import NetworkProfile
from cxcheck.model.errors import CxError

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route

BY_RULE = "Network.emulateNetworkConditionsByRule"
NETWORK_STATE = "Network.overrideNetworkState"
OLD_CALL = "Network.emulateNetworkConditions"
BLACKHOLE_LATENCY_MS = 24 * 3600 * 1000.0
"""A blackhole's latency: a day, far beyond any test's timeout (Chromium holds the request)."""
PROBE_URL = "http://127.0.0.1:47/cxcheck-offline-probe"
"""A loopback port nothing serves: unthrottled, the request is refused at once."""


@dataclass
class Support:
    """What one browser answered; ``None``: not asked yet."""

    by_rule: bool | None = None
    rule_offline: bool | None = None


# Per browser process (a persistent context has no Browser object: keyed by the context).
_SUPPORT: weakref.WeakKeyDictionary[Any, Support] = weakref.WeakKeyDictionary()


def support_of(context: BrowserContext) -> Support:
    key = context.browser or context
    found = _SUPPORT.get(key)
    if found is None:
        found = _SUPPORT[key] = Support()
    return found


def missing_method(error: Exception) -> bool:
    """Whether the browser answered that a CDP method does not exist (an older Chromium)."""
    text = str(error)
    return "wasn't found" in text or "-32601" in text


def conditions(network: NetworkProfile) -> dict[str, Any]:
    """A network as CDP conditions (bytes/s, ms; -1 is "no limit")."""
    down, up = network.down_bytes_per_s, network.up_bytes_per_s
    return {
        "offline": network.offline,
        "latency": BLACKHOLE_LATENCY_MS if network.blackhole else network.latency_ms,
        "downloadThroughput": -1 if down is None else down,
        "uploadThroughput": -1 if up is None else up,
    }


def rules(network: NetworkProfile, hosts: Sequence[HostRule], offline_in_rule: bool) -> list[Any]:
    """``matchedNetworkConditions``: each host's rule, then the cell's network for every other
    request (an empty urlPattern; the first rule that matches a request wins)."""
    out = []
    for host in hosts:
        rule = {"urlPattern": host.url_pattern(), **conditions(host.network)}
        if host.network.offline and not offline_in_rule:
            rule["offline"] = False  # a route aborts them (add_routes)
        out.append(rule)
    out.append({"urlPattern": "", **conditions(network)})
    return out


def routed(hosts: Sequence[HostRule], support: Support) -> list[HostRule]:
    """The hosts the browser's rules cannot hold, so routes must; a clear error for a host whose
    throttling only rules can apply."""
    out = []
    for host in hosts:
        offline_routed = host.network.offline and not (support.by_rule and support.rule_offline)
        if offline_routed or (host.network.blackhole and not support.by_rule):
            out.append(host)
        elif not support.by_rule and host.network.throttled:
            raise CxError(
                f"{host.where}: host {host.pattern!r} on {host.network.name} needs "
                f"{BY_RULE}, which this Chromium does not have; update Chromium, or give "
                "that host offline or blackhole (which routes can apply)"
            )
    return out


def add_routes(context: BrowserContext, hosts: Sequence[HostRule]) -> None:
    """Routes for the hosts the browser's rules cannot hold (see :func:`routed`)."""
    for host in hosts:
        # A function of its own: Playwright marks the matcher it is given, which a method of a
        # frozen rule refuses.
        def matches(url: str, host: HostRule = host) -> bool:
            return host.matches(url)

        if host.network.offline:
            context.route(matches, _abort_offline)
        else:
            # Never fulfilled, continued or aborted: the request waits until the page closes.
            context.route(matches, _never_answer)


def _abort_offline(route: Route) -> None:
    route.abort("internetdisconnected")


def _never_answer(route: Route) -> None:
    return None


def ask(context: BrowserContext, support: Support, offline: bool) -> None:
    """Fill in what ``support`` does not know yet, on a throwaway context of the same browser:
    whether it has the rules call and (``offline``: a host must be offline) whether a rule's
    ``offline`` holds. An older protocol ignores fields it does not know, so that one is seen
    at work: a fetch of a loopback port nothing serves fails as disconnected, not as refused."""
    from playwright.sync_api import Error

    if support.by_rule is not None and not (offline and support.by_rule):
        return
    if support.rule_offline is not None:
        return
    browser = context.browser
    if browser is None:
        # A persistent context cannot open another: rules assumed (the first page's answer
        # corrects it), offline hosts routed, which works everywhere.
        support.by_rule = True if support.by_rule is None else support.by_rule
        support.rule_offline = False
        return
    # The class's own new_context: while an adopted pytest-playwright test runs, the
    # browser's is wrapped to make every context the cell's, which would ask again, for ever.
    probe = type(browser).new_context(browser)
    try:
        page = probe.new_page()
        session = probe.new_cdp_session(page)
        session.send("Network.enable")
        rule = {"urlPattern": "*://127.0.0.1:47/*", "offline": True, "latency": 0,
                "downloadThroughput": -1, "uploadThroughput": -1}  # fmt: skip
        try:
            session.send(BY_RULE, {"matchedNetworkConditions": [rule] if offline else []})
            support.by_rule = True
        except Error as exc:
            if not missing_method(exc):
                raise
            support.by_rule = False
            return
        if offline:
            with page.expect_event("requestfailed", timeout=10_000) as failed:
                page.evaluate("url => fetch(url, {mode: 'no-cors'}).catch(() => null)", PROBE_URL)
            request: Request = failed.value
            support.rule_offline = "INTERNET_DISCONNECTED" in (request.failure or "")
    finally:
        probe.close()


class HostWatch:
    """Which host patterns matched a request of the context, for the ones that never did."""

    def __init__(self, context: BrowserContext, hosts: Sequence[HostRule]) -> None:
        self.hosts = list(hosts)
        self.matched: set[str] = set()
        if self.hosts:
            context.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        for host in self.hosts:
            if host.pattern not in self.matched and host.matches(request.url):
                self.matched.add(host.pattern)

    def unmatched(self) -> list[HostRule]:
        return [h for h in self.hosts if h.pattern not in self.matched]
