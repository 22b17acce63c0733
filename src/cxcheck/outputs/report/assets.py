"""The page's own style and script (inlined: the report loads nothing), and the policy that lets
only them run."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources

__all__ = ["assets", "content_security_policy"]


@cache
def assets() -> tuple[str, str]:
    """The CSS and the script, from ``assets/``."""
    folder = resources.files("cxcheck.outputs.report").joinpath("assets")
    css = folder.joinpath("report.css").read_text(encoding="utf-8")
    js = folder.joinpath("report.js").read_text(encoding="utf-8")
    return css, js


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(single_file: bool = False) -> str:
    """The page's policy: its own script and style by hash, images from its folder, nothing else.

    Hashes rather than 'unsafe-inline' mean that even an injected <script>, <style> or on*=
    handler attribute would not run. Only a single-file report, whose pictures are data: URIs,
    allows data: images.
    """
    css, js = assets()
    images = "'self' data:" if single_file else "'self'"
    return (
        f"default-src 'none'; img-src {images}; style-src {_sha256(css)}; "
        f"script-src {_sha256(js)}; base-uri 'none'; form-action 'none'"
    )
