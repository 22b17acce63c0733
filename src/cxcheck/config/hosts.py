"""Per-host network conditions: ``{"cdn.example.test": "3g", "*.tracker.test": "blackhole"}``.

A host pattern is a host name or address, ``*.`` in front for its subdomains, ``:port`` behind
for one port only (test servers on 127.0.0.1 differ only by port). It matches that host on any
scheme, any port (unless it names one) and any path. The browser applies it as a URLPattern
string (:meth:`HostRule.url_pattern`) and cxcheck watches requests with :meth:`HostRule.matches`;
both must say the same, which ``tests/browser/test_hosts.py`` checks on the real Chromium.

Plain data and pure functions; the browser side is :mod:`cxcheck.browser.hostrules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cxcheck.config.profiles import Catalogue, NetworkProfile
from cxcheck.model.errors import CxError
from cxcheck.model.text import did_you_mean

_LABEL = r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"
_PATTERN = re.compile(rf"(?P<sub>\*\.)?(?P<host>{_LABEL}(?:\.{_LABEL})*)(?::(?P<port>\d{{1,5}}))?")
FORM = "a host like cdn.example.test, *.example.test (its subdomains) or 127.0.0.1:8123 (one port)"
# A URL leaves its scheme's default port out, and URLPattern then matches only an empty port:
# a pattern naming one of these would match nothing in the browser.
_DEFAULT_PORTS = (80, 443)


@dataclass(frozen=True)
class HostEntry:
    """One ``pattern = network`` as written, before it is checked; ``where`` names it in errors."""

    pattern: str
    network: str
    where: str


@dataclass(frozen=True)
class HostRule:
    """A host pattern and the network its requests get instead of the cell's."""

    pattern: str
    network: NetworkProfile
    where: str = ""

    @property
    def _parts(self) -> tuple[bool, str, int | None]:
        found = _PATTERN.fullmatch(self.pattern)
        assert found is not None  # host_rules only makes rules of valid patterns
        port = found["port"]
        return bool(found["sub"]), found["host"], int(port) if port else None

    def url_pattern(self) -> str:
        """The URLPattern constructor string Chromium matches requests with (any scheme, any
        path; any port unless the pattern names one). ``*:`` is any scheme and ``:*`` any port,
        the default one included: without it URLPattern would only match the default port."""
        subdomains, host, port = self._parts
        return f"*://{'*.' if subdomains else ''}{host}:{'*' if port is None else port}/*"

    def matches(self, url: str) -> bool:
        """Whether a request to ``url`` is this rule's, as :meth:`url_pattern` decides it."""
        subdomains, host, port = self._parts
        try:
            parts = urlsplit(url)
            seen_port = parts.port
        except ValueError:
            return False
        name = (parts.hostname or "").lower()
        if subdomains:
            # URLPattern's "*." needs at least one label in front: the apex is not matched.
            if not name.endswith("." + host):
                return False
        elif name != host:
            return False
        return port is None or seen_port == port


def check_pattern(pattern: str, where: str) -> str:
    """The pattern in the form rules keep (lower case, trimmed), or a CxError saying the fix."""
    text = pattern.strip().lower()
    if not text:
        raise CxError(f"{where}: an empty host pattern; write {FORM}")
    if "://" in text or "/" in text:
        host = urlsplit(text if "://" in text else "//" + text).netloc or text
        raise CxError(
            f"{where}: {pattern!r} is a URL; give its host only, e.g. {host!r} (every scheme "
            "and path of the host match)"
        )
    found = _PATTERN.fullmatch(text)
    if found is None:
        raise CxError(f"{where}: {pattern!r} is not a host pattern; write {FORM}")
    if found["port"] and not 0 < int(found["port"]) < 65536:
        raise CxError(f"{where}: {pattern!r}: port {found['port']} is not 1 to 65535")
    if found["port"] and int(found["port"]) in _DEFAULT_PORTS:
        raise CxError(
            f"{where}: {pattern!r}: port {found['port']} is a default port, which URLs leave "
            f"out; write {found['host']!r} (every port) instead"
        )
    return text


def host_rules(entries: Iterable[HostEntry], catalogue: Catalogue) -> tuple[HostRule, ...]:
    """Check each entry and resolve its network: the rules, in the order written (the browser
    applies the first rule that matches a request)."""
    rules: dict[str, HostRule] = {}
    for entry in entries:
        pattern = check_pattern(entry.pattern, entry.where)
        if pattern in rules:
            raise CxError(f"{entry.where}: host {pattern!r} is given twice; keep one")
        name = entry.network.strip()
        if name not in catalogue.networks:
            known = list(catalogue.networks)
            did = did_you_mean(name, known)
            what = f"{entry.network!r} is not a network profile" if name else "no network given"
            raise CxError(
                f"{entry.where}: host {pattern!r}: {what}.{did} Name one network (not a set), "
                f"e.g. 3g, offline or blackhole; known: {', '.join(known)}"
            )
        rules[pattern] = HostRule(pattern, catalogue.networks[name], entry.where)
    return tuple(rules.values())


def marker_entries(value: object, where: str) -> list[HostEntry]:
    """``@pytest.mark.cx(hosts={"cdn.example.test": "3g"})``."""
    if not isinstance(value, Mapping) or not value:
        raise CxError(
            f"{where}: give a dict of host pattern to network, like "
            f"{{'cdn.example.test': '3g', '*.tracker.test': 'blackhole'}}; got {value!r}"
        )
    for key, network in value.items():
        if not isinstance(key, str) or not isinstance(network, str):
            raise CxError(
                f"{where}: {key!r}: {network!r}: host patterns and network names are text, "
                "like 'cdn.example.test': '3g'"
            )
    return [HostEntry(key, network, where) for key, network in value.items()]


def ini_entries(lines: Sequence[str], where: str = "ini cx_hosts") -> list[HostEntry]:
    """ini ``cx_hosts``: one ``pattern = network`` per line."""
    out = []
    for line in lines:
        if not line.strip() or line.strip().startswith("#"):
            continue
        pattern, equals, network = line.partition("=")
        if not equals:
            raise CxError(
                f"{where}: {line.strip()!r} needs the form pattern = network, like "
                "cdn.example.test = 3g"
            )
        out.append(HostEntry(pattern, network, f"{where} ({line.strip()!r})"))
    return out
