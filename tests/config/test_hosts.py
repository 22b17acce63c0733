"""Per-host network rules as data: the patterns, what they match, and the errors for bad input.

Whether Chromium's URLPattern agrees with :meth:`HostRule.matches` is checked in a real browser
(tests/browser/test_hosts.py).
"""

from __future__ import annotations

import pytest

from cxcheck.config.hosts import HostEntry, HostRule, host_rules, ini_entries, marker_entries
from cxcheck.config.profiles import load_catalogue
from cxcheck.model.errors import CxError

CATALOGUE = load_catalogue()


def rule(pattern: str, network: str = "3g") -> HostRule:
    (found,) = host_rules([HostEntry(pattern, network, "test")], CATALOGUE)
    return found


@pytest.mark.parametrize(
    ("pattern", "url", "matched"),
    [
        ("cdn.example.test", "https://cdn.example.test/app.js", True),
        ("cdn.example.test", "http://cdn.example.test:8080/a/b?c=d", True),
        ("cdn.example.test", "https://CDN.example.test/", True),
        ("cdn.example.test", "https://img.cdn.example.test/", False),
        ("cdn.example.test", "https://cdn.example.test.evil/", False),
        ("*.tracker.test", "https://a.tracker.test/t.gif", True),
        ("*.tracker.test", "https://a.b.tracker.test:444/t.gif", True),
        ("*.tracker.test", "https://tracker.test/t.gif", False),
        ("127.0.0.1:8123", "http://127.0.0.1:8123/x", True),
        ("127.0.0.1:8123", "http://127.0.0.1:8124/x", False),
        ("example.test:8443", "https://example.test:8443/", True),
        ("example.test:8443", "https://example.test/", False),
        ("localhost", "data:text/plain,localhost", False),
    ],
)
def test_a_pattern_matches_its_host_on_any_scheme_and_path(
    pattern: str, url: str, matched: bool
) -> None:
    assert rule(pattern).matches(url) is matched


def test_the_browser_gets_a_url_pattern_for_any_scheme_and_port() -> None:
    assert rule("cdn.example.test").url_pattern() == "*://cdn.example.test:*/*"
    assert rule("*.tracker.test").url_pattern() == "*://*.tracker.test:*/*"
    assert rule("127.0.0.1:8123").url_pattern() == "*://127.0.0.1:8123/*"


@pytest.mark.parametrize(
    ("pattern", "network", "expected"),
    [
        ("cdn.example.test", "3gg", "'3gg' is not a network profile. Did you mean `3g`?"),
        ("cdn.example.test", "mobile-networks", "Name one network (not a set)"),
        ("", "3g", "an empty host pattern; write a host like"),
        ("https://cdn.example.test/x", "3g", "is a URL; give its host only, e.g. 'cdn.example"),
        ("cdn.example.test/js", "3g", "is a URL; give its host only"),
        ("cdn..test", "3g", "is not a host pattern"),
        ("a*.test", "3g", "is not a host pattern"),
        ("127.0.0.1:99999", "3g", "port 99999 is not 1 to 65535"),
        ("example.test:443", "3g", "port 443 is a default port, which URLs leave out; write 'ex"),
    ],
)
def test_bad_input_is_a_clear_error_naming_where(pattern: str, network: str, expected: str) -> None:
    with pytest.raises(CxError) as error:
        host_rules([HostEntry(pattern, network, "conftest.py:7")], CATALOGUE)
    assert str(error.value).startswith("conftest.py:7: ")
    assert expected in str(error.value)


def test_a_host_given_twice_is_an_error() -> None:
    entries = [HostEntry("a.test", "3g", "x"), HostEntry("A.test", "offline", "y")]
    with pytest.raises(CxError, match=r"host 'a\.test' is given twice"):
        host_rules(entries, CATALOGUE)


def test_the_marker_and_the_ini_forms() -> None:
    where = "@pytest.mark.cx(hosts=...)"
    with pytest.raises(CxError, match=r"give a dict of host pattern to network"):
        marker_entries(["cdn.example.test"], where)
    with pytest.raises(CxError, match=r"host patterns and network names are text"):
        marker_entries({"cdn.example.test": 3}, where)
    entries = ini_entries(["", "cdn.example.test = 3g", "# a comment", "*.ads.test=blackhole"])
    rules = host_rules(entries, CATALOGUE)
    assert [(r.pattern, r.network.name) for r in rules] == [
        ("cdn.example.test", "3g"),
        ("*.ads.test", "blackhole"),
    ]
    assert rules[0].where == "ini cx_hosts ('cdn.example.test = 3g')"
    with pytest.raises(CxError, match=r"ini cx_hosts: 'cdn.example.test 3g' needs the form"):
        ini_entries(["cdn.example.test 3g"])


def test_blackhole_is_a_built_in_network_that_never_answers() -> None:
    blackhole = CATALOGUE.networks["blackhole"]
    assert blackhole.blackhole and blackhole.throttled and not blackhole.offline
    assert blackhole.timeout_factor == 1.0  # waiting longer never helps


def test_the_all_set_leaves_blackhole_to_hosts() -> None:
    from cxcheck.config.profiles import load_catalogue

    catalogue = load_catalogue()
    names = [n.name for n in catalogue.resolve_networks(["all"])]
    assert "blackhole" not in names and "offline" in names and "slow-4g" in names
    assert [n.name for n in catalogue.resolve_networks(["blackhole"])] == ["blackhole"]
