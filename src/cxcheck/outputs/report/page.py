"""The HTML report: one self-contained page of a run's :class:`~cxcheck.results.RunResults`.

``write_report(run, folder)`` writes ``folder/index.html`` and copies the evidence it shows
(step screenshots, trace.zip and the other files of each result) into ``folder/files/``, so the
folder can be uploaded as a CI artifact and opened anywhere from disk: every link is relative,
nothing is loaded from the network.

How it is made, as pytest-html makes its own: :mod:`~cxcheck.outputs.report.view` turns the run
into view data (:mod:`~cxcheck.outputs.report.panel_view` a result's panel,
:mod:`~cxcheck.outputs.report.load_view` its load runs, :mod:`~cxcheck.outputs.report.charts`
their charts, :mod:`~cxcheck.outputs.report.evidence` copies the files), and
:mod:`~cxcheck.outputs.report.render` fills the Jinja2 templates in ``templates/`` with it.

The panels are server-rendered ``<details>`` elements, so the page works without JavaScript; a
small inline script adds the filters and the snapshot diff viewer's tabs, slider and overlay.
Everything that came from a page or a test is HTML-escaped, no URL from the data ever becomes a
link, and a Content-Security-Policy allows only the page's own script and style (by hash) and
images from its own folder.

``write_report(..., single_file=True)`` writes a page that shows every picture from a data: URI
(and allows data: images for that), for CI systems that keep one file: the trace and the other
files are still copied into ``files/`` and linked relatively.
"""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

from cxcheck.model.errors import CxError
from cxcheck.model.results import RunResults
from cxcheck.outputs.report.assets import content_security_policy
from cxcheck.outputs.report.evidence import FILES_DIR

__all__ = ["FILES_DIR", "REPORT_FILE", "check_report_folder", "content_security_policy",
           "write_report"]  # fmt: skip

REPORT_FILE = "index.html"
FAVICON_FILE = "favicon.svg"
"""The icon, a file beside the page: the policy of a report with files allows no data: image."""
MARKER = ".cxcheck-report"
INLINE_PANELS = 200
"""Results (worst first) whose panels are written into the page's markup, so they open without
JavaScript too. Later panels are built when opened from HTML kept, gzipped, in a data block:
2,000 panels of markup take a browser seconds to parse, and even as plain JSON (with every < and
> escaped) they would be 15 MB, where gzip makes them about 1 MB of base64."""


def _ours(folder: Path) -> bool:
    """Whether cxcheck wrote the report in ``folder`` (marked, or an earlier version's page)."""
    if (folder / MARKER).exists():
        return True
    try:
        with (folder / REPORT_FILE).open(encoding="utf-8", errors="replace") as page:
            return "<title>cxcheck" in page.read(4096)
    except OSError:
        return False


def check_report_folder(folder: Path) -> None:
    """Refuse a folder the report would damage: a file, or one whose ``files/`` is not ours."""
    if folder.exists() and not folder.is_dir():
        raise CxError(f"--cx-report {folder}: this is a file; give a folder, e.g. cx-report")
    files_root = folder / FILES_DIR
    if files_root.is_dir() and not _ours(folder) and any(files_root.iterdir()):
        raise CxError(
            f"--cx-report {folder}: {files_root} exists and was not written by cxcheck; the "
            "report empties that folder on every run, so give a folder of its own, e.g. cx-report"
        )


def write_report(run: RunResults, folder: Path, *, single_file: bool = False) -> Path:
    """Write the report of ``run`` as ``folder/index.html`` with its evidence; returns its path.

    ``folder/files/`` is the report's own: it is emptied first, so a report never shows
    evidence of an older run. ``single_file``: the page holds its pictures (data: URIs), so
    ``index.html`` alone shows them.
    """
    from cxcheck.outputs.report.render import render_page
    from cxcheck.outputs.report.view import page_view

    check_report_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files_root = folder / FILES_DIR
    shutil.rmtree(files_root, ignore_errors=True)
    (folder / MARKER).write_text("cxcheck writes this report; files/ is emptied on every run\n")
    view = page_view(run, files_root, INLINE_PANELS, single_file=single_file)
    icon = folder / FAVICON_FILE
    favicon = None
    if single_file:
        icon.unlink(missing_ok=True)  # the page holds its icon
    elif view.favicon.startswith("data:image/svg+xml,"):
        icon.write_text(urllib.parse.unquote(view.favicon.partition(",")[2]), encoding="utf-8")
        favicon = FAVICON_FILE
    page = render_page(view, single_file=single_file, favicon=favicon)
    path = folder / REPORT_FILE
    tmp = path.with_name(path.name + ".tmp")
    # "replace": a lone surrogate in a page's text must not cost the whole report.
    tmp.write_bytes(page.encode("utf-8", "replace"))
    tmp.replace(path)  # a reader never sees half a page
    return path
