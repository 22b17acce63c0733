"""A recorded browser journey as load: Playwright's HAR of one journey → a Locust user.

The HAR's page and API requests to the app's own origin are replayed in order, with the
customer's think time between pages (the gap between one page's last response and the next
navigation, capped). Static assets (scripts, styles, images, fonts) are left out unless asked
for: under load a browser cache serves most of them. Requests that were the target of a
redirect are left out too, since the Locust client follows redirects itself, and so is the
recording's cookie header, since each Locust user keeps its own session.

The user is data plus a fixed locustfile that reads it (``journey.json`` beside
``locustfile.py``): no request text is ever turned into Python code.

Why not har2locust (0.9.4, pre-1.0)? It renders request bodies into Python source through a
template (a form body becomes code), keeps the recording's cookies and headers verbatim, adds no
think time, and needs the ``ruff`` binary at run time; what it gets right (dropping resources by
type, one task replaying entries in order) is a few lines here.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cxcheck.model.errors import CxError

STATIC_TYPES = ("text/css", "javascript", "image/", "font/", "application/font", "video/")
STATIC_SUFFIXES = (".css", ".js", ".mjs", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp",
                   ".avif", ".ico", ".woff", ".woff2", ".ttf", ".map")  # fmt: skip
KEPT_HEADERS = ("accept", "content-type", "x-requested-with")
MAX_THINK_S = 5.0

LOCUSTFILE = '''"""A journey recorded by cxcheck, replayed by every Locust user (journey.json)."""

import json
import time
from pathlib import Path

from locust import HttpUser, constant, task

REQUESTS = json.loads(Path(__file__).with_name("journey.json").read_text(encoding="utf-8"))
THINK = float(REQUESTS["think_factor"])


class RecordedJourney(HttpUser):
    wait_time = constant(0)

    @task
    def journey(self) -> None:
        for r in REQUESTS["requests"]:
            if r["think_s"] and THINK:
                time.sleep(r["think_s"] * THINK)
            body = r["body"].encode("utf-8") if r["body"] is not None else None
            with self.client.request(r["method"], r["path"], headers=r["headers"], data=body,
                                     name=r["name"], catch_response=True) as response:
                if response.status_code >= 400:
                    response.failure(f"HTTP {response.status_code}")
                else:
                    response.success()
'''


class HarError(CxError):
    """A HAR file that cannot be turned into a load scenario."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request of the journey, as the load replays it."""

    method: str
    path: str  # path and query, relative to the host the load is sent to
    name: str  # how Locust groups it: the method's path without the query
    headers: dict[str, str]
    body: str | None
    think_s: float  # pause before it: the customer reading the previous page
    resource: str  # document, api or static


def requests_of(
    har: dict[str, Any], base_url: str, *, include_static: bool = False
) -> list[RecordedRequest]:
    """The requests a load user replays, from a HAR's entries to ``base_url``'s origin."""
    try:
        entries = har["log"]["entries"]
    except (KeyError, TypeError):
        raise HarError("not a HAR file: it has no log.entries") from None
    origin = _origin(base_url)
    out: list[RecordedRequest] = []
    redirected_to: set[str] = set()
    last_end: float | None = None
    for entry in sorted(entries, key=_started):
        request, response = entry.get("request", {}), entry.get("response", {})
        url = str(request.get("url", ""))
        if _origin(url) != origin or url in redirected_to:
            continue
        if response.get("redirectURL"):
            redirected_to.add(urllib.parse.urljoin(url, str(response["redirectURL"])))
        resource = _resource(entry)
        if resource == "static" and not include_static:
            continue
        started = _started(entry)
        think = 0.0
        if resource == "document" and last_end is not None:
            think = round(min(MAX_THINK_S, max(0.0, started - last_end)), 3)
        last_end = max(last_end or 0.0, started + float(entry.get("time") or 0) / 1000)
        parts = urllib.parse.urlsplit(url)
        path = parts.path or "/"
        out.append(
            RecordedRequest(
                method=str(request.get("method", "GET")).upper(),
                path=path + (f"?{parts.query}" if parts.query else ""),
                name=path,
                headers={
                    str(h["name"]): str(h["value"])
                    for h in request.get("headers", [])
                    if str(h.get("name", "")).lower() in KEPT_HEADERS
                },
                body=_body(request.get("postData")),
                think_s=think,
                resource=resource,
            )
        )
    if not out:
        raise HarError(
            f"the HAR holds no requests to {origin[0]}://{origin[1]}: was the journey recorded "
            "against this base URL?"
        )
    return out


def write_scenario(
    requests: list[RecordedRequest], folder: Path, *, think_factor: float = 1.0
) -> Path:
    """Write ``locustfile.py`` and ``journey.json`` into ``folder``; returns the locustfile."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"think_factor": think_factor, "requests": [asdict(r) for r in requests]}
    (folder / "journey.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    locustfile = folder / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    return locustfile


def scenario_from_har(
    har_path: Path,
    base_url: str,
    folder: Path,
    *,
    include_static: bool = False,
    think_factor: float = 1.0,
) -> Path:
    """A Locust scenario replaying the journey recorded in ``har_path``; returns its locustfile."""
    try:
        har = json.loads(har_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HarError(f"{har_path}: cannot read the HAR file: {exc}") from None
    requests = requests_of(har, base_url, include_static=include_static)
    return write_scenario(requests, folder, think_factor=think_factor)


def _body(post: dict[str, Any] | None) -> str | None:
    """The request body; a form's fields when the HAR keeps them as params only (Chromium
    leaves ``text`` empty for a navigation's form post)."""
    if not post:
        return None
    text = post.get("text")
    if text:
        return str(text)
    params = post.get("params") or []
    if params:
        return urllib.parse.urlencode([(str(p["name"]), str(p.get("value", ""))) for p in params])
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc


def _started(entry: dict[str, Any]) -> float:
    text = str(entry.get("startedDateTime", ""))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _resource(entry: dict[str, Any]) -> str:
    kind = str(entry.get("_resourceType", "")).lower()
    mime = str(entry.get("response", {}).get("content", {}).get("mimeType", "")).lower()
    path = urllib.parse.urlsplit(str(entry.get("request", {}).get("url", ""))).path.lower()
    if kind == "document" or (not kind and mime.startswith("text/html")):
        return "document"
    if kind in ("xhr", "fetch") or "json" in mime:
        return "api"
    if kind in ("script", "stylesheet", "image", "font", "media") or any(
        t in mime for t in STATIC_TYPES
    ):
        return "static"
    return "static" if path.endswith(STATIC_SUFFIXES) else "api"
