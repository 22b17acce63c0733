"""Where load may go: loopback addresses, and hosts the team allowed by name.

A test suite must not be able to flood a machine somebody else runs because a URL was mistyped.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from collections.abc import Iterable, Sequence

from cxcheck.model.errors import CxError

__all__ = ["ALLOW_HOST_INI", "ALLOW_HOST_OPTION", "LoadHostError", "check_host"]

ALLOW_HOST_OPTION = "--cx-load-allow-host"
ALLOW_HOST_INI = "cx_load_allow_host"


class LoadHostError(CxError):
    """The load run would go to a host that is neither loopback nor allowed."""


def check_host(url: str, allow_hosts: Sequence[str]) -> None:
    """Refuse load to anything but loopback, unless the team allowed that host.

    A name counts as loopback only when every address it resolves to is loopback (a name that
    also resolves elsewhere could send the load elsewhere). ``allow_hosts`` entries are a host
    name or address (any port) or ``host:port``.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError as exc:
        raise LoadHostError(f"load host {url!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise LoadHostError(
            f"load host {url!r} is not an http(s) URL; pass e.g. host='http://127.0.0.1:8000'"
        )
    if _allowed(host, port, allow_hosts):
        return
    reason = _not_loopback(host)
    if reason is None:
        return
    shown = f"[{host}]" if ":" in host else host
    raise LoadHostError(
        f"cxcheck only sends load to loopback addresses (127.0.0.0/8, ::1, localhost) unless the "
        f"host is allowed, and {shown} {reason}. If you run {shown} and mean to load it, allow "
        f"it: pytest {ALLOW_HOST_OPTION} {shown}, or in the ini file {ALLOW_HOST_INI} = {shown} "
        f"(add :port to allow one port only)"
    )


def _allowed(host: str, port: int | None, allow_hosts: Iterable[str]) -> bool:
    for entry in allow_hosts:
        text = entry.strip().lower()
        if not text:
            continue
        try:
            allowed = urllib.parse.urlsplit(text if "://" in text else f"//{text}")
            allowed_host, allowed_port = allowed.hostname, allowed.port
        except ValueError:
            continue
        if allowed_host == host and allowed_port in (None, port):
            return True
    return False


def _not_loopback(host: str) -> str | None:
    """None when ``host`` is loopback; otherwise why not, for the error message."""
    try:
        return None if _loopback_ip(host) else "is not a loopback address"
    except ValueError:
        pass  # a name, not an address
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as exc:
        return f"could not be resolved ({exc})"
    addresses = sorted({str(info[4][0]) for info in infos})
    outside = [a for a in addresses if not _loopback_ip(a)]
    if outside or not addresses:
        return f"resolves to {', '.join(outside) or 'nothing'}"
    return None


def _loopback_ip(text: str) -> bool:
    """127.0.0.0/8, ::1 and IPv4-mapped 127/8 (``::ffff:127.0.0.1``); ValueError if no IP."""
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback
