"""Names and defaults every layer agrees on, in one light module.

The plugin reads these while pytest parses options and looks at every file of a session, so they
live here, on the ground floor, rather than in the heavier modules that use them: a session that
uses no cxcheck loads nothing else.
"""

ENGINES = ("chromium", "firefox", "webkit")
"""Browser engines Playwright drives; only Chromium can throttle."""
BROWSER_ENV = "CXCHECK_BROWSER"
ENDPOINT_ENV = "CXCHECK_BROWSER_ENDPOINT"
TRACE_MODES = ("off", "on", "retain-on-failure")
DEFAULT_TRACE = "retain-on-failure"
"""As Playwright's own test runner does: every test is traced, a failed one keeps its trace."""
TRACE_FILE = "trace.zip"
JOURNEY_SUFFIX = ".journey.yaml"
SESSION_PREFIX = "session · "
"""How the steps of a session (a login done once per device per worker) are named."""
A11Y_BASELINE_FILE = "cx-a11y-baseline.json"
DEFAULT_DEVICES = ("desktop-1080p",)
DEFAULT_NETWORKS = ("no-throttle",)
