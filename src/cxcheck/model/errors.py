"""The one exception root and warning class of cxcheck.

Every error a user can cause says what is wrong, where (file, line, profile, field or option) and
how to fix it. The pytest plugin turns them into ``pytest.UsageError`` or a clean test failure.
"""

from __future__ import annotations

from collections.abc import Iterable

from cxcheck.model.text import did_you_mean, suggest


class CxError(Exception):
    """Root of every error cxcheck raises on purpose."""


class CxWarning(UserWarning):
    """Root of every warning cxcheck emits."""


class ProfileError(CxError):
    """A profile file, profile or profile field is malformed or out of range."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        profile: str | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.profile = profile
        self.field = field
        self.detail = message
        where = ""
        if source:
            where = f"{source}:{line}: " if line else f"{source}: "
        what = ""
        if profile:
            what = f"profile '{profile}'"
            if field:
                what += f", field '{field}'"
            what += ": "
        super().__init__(f"{where}{what}{message}")


class UnknownProfileError(CxError):
    """A device, network or set name that the catalogue does not hold."""

    def __init__(self, kind: str, name: str, known: Iterable[str], where: str = "") -> None:
        self.kind = kind
        self.name = name
        known = list(known)
        self.suggestions = suggest(name, known)
        hint = did_you_mean(name, known, n=3)
        origin = f" (in {where})" if where else ""
        super().__init__(
            f"unknown {kind} '{name}'{origin}.{hint} "
            f"Run `cxcheck profiles` (or `pytest --cx-list-profiles`) to see every name."
        )


class BrowserNotFoundError(CxError):
    """No browser could be found or launched."""


class ThrottlingUnsupportedError(CxError):
    """A throttled network profile was asked of an engine that cannot throttle."""


class BaseUrlError(CxError):
    """The base URL under test does not answer."""
