"""Rendering the view data with the Jinja2 templates in ``templates/``.

Jinja2 is imported here only, when a report is written: a pytest session that writes none does
not pay for it. Autoescaping is on: everything that came from a page or a test is escaped by the
templates; only the page's own assets and the data blocks (escaped here) are marked safe.

The templates are written one element to a line for reading, but the page has no whitespace
between its tags (a space between two inline elements would show): the loader joins each
template's lines, dropping the line break and the indentation after it. ``{{ nl }}`` is a line
break in the page.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from cxcheck.model.results import OUTCOMES
from cxcheck.outputs.report import text
from cxcheck.outputs.report.assets import assets, content_security_policy
from cxcheck.outputs.report.view import PageView

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["render_page"]

_LINE_BREAK = re.compile(r"\n[ \t]*")


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from jinja2.ext import Extension
    from markupsafe import Markup

    class JoinLines(Extension):
        """Drops each line break of a template's source and the indentation after it."""

        def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
            return _LINE_BREAK.sub("", source)

    env = Environment(
        loader=PackageLoader("cxcheck.outputs.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=[JoinLines],
        auto_reload=False,  # the templates are the package's: no stat of each for every panel
    )
    env.globals.update(nl="\n", outcomes=OUTCOMES)

    def icon(outcome: str) -> Markup:
        # a filter, not a macro: it is drawn thousands of times, and a macro call costs more
        return Markup(f'<span class="ic" aria-hidden="true">{text.ICONS.get(outcome, "?")}</span>')

    env.filters.update(ocls=text.outcome_class, icon=icon)
    return env


def render_page(view: PageView, *, single_file: bool = False, favicon: str | None = None) -> str:
    """The whole page: markup, inlined assets and the data blocks of on-demand panels.

    ``single_file``: the policy allows the data: URIs its pictures are; ``favicon``: the icon's
    URL when it is not the view's data: URI.
    """
    from markupsafe import Markup

    env = _environment()
    css, js = assets()
    blocks = ""
    lazy = [p for p in view.panels if not p.inline]
    if lazy:
        panel = env.get_template("panel.html.j2").module
        bodies = {p.key: str(panel.panel_body(p)) for p in lazy}  # type: ignore[attr-defined]
        texts = {p.key: p.search for p in lazy}
        blocks = _gzip_block("cx-bodies", bodies) + _json_block("cx-search", texts)
    return env.get_template("page.html.j2").render(
        view=view,
        css=Markup(css),
        js=Markup(js),
        csp=Markup(content_security_policy(single_file)),
        favicon=favicon or Markup(view.favicon),
        blocks=Markup(blocks),
    )


def _json_block(ident: str, data: dict[str, str]) -> str:
    """Data the script reads, in a non-executed <script>: ``</script>`` or ``<!--`` in the data
    cannot end or change the block, as no <, > or & is left in the JSON text."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{ident}">{raw}</script>\n'


def _gzip_block(ident: str, data: dict[str, Any]) -> str:
    """Data as gzipped JSON in base64: nothing in it can end or change the <script> block."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    packed = gzip.compress(raw.encode("utf-8", "replace"), compresslevel=6, mtime=0)
    text = base64.b64encode(packed).decode("ascii")
    return f'<script type="application/gzip+json" id="{ident}">{text}</script>\n'
