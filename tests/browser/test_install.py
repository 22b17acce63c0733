"""``cxcheck install-browser``: the order of attempts (pure logic; the real installs run in CI)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cxcheck.browser import install


class Machine:
    """Records commands; a browser 'appears' after the command that installs one."""

    def __init__(self, installs_with: str | None) -> None:
        self.installs_with = installs_with
        self.commands: list[str] = []
        self.browser: str | None = None

    def run(self, command: Sequence[str], timeout: float) -> int:
        line = " ".join(command)
        self.commands.append(line)
        if self.installs_with and self.installs_with in line:
            self.browser = f"installed by {self.installs_with}"
            return 0
        return 0 if "apt-get update" in line else 1

    def find(self) -> str | None:
        return self.browser


def test_keeps_a_browser_it_already_finds(capsys: pytest.CaptureFixture[str]) -> None:
    machine = Machine(None)
    machine.browser = "system browser on PATH (/usr/bin/chromium)"
    assert install.install_browser(machine.run, machine.find) == 0
    assert machine.commands == []
    assert "already available" in capsys.readouterr().out


def test_prefers_playwright_download() -> None:
    machine = Machine("playwright install chromium")
    assert install.install_browser(machine.run, machine.find) == 0
    assert len(machine.commands) == 1


def test_falls_back_to_apt_when_the_download_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "_apt_prefix", lambda: [])
    machine = Machine("apt-get install -y -q chromium")
    assert install.install_browser(machine.run, machine.find) == 0
    assert "playwright install chromium" in machine.commands[0]
    assert machine.commands[1].endswith("apt-get update -q")


def test_says_how_to_get_one_when_nothing_works(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(install, "_apt_prefix", lambda: None)
    machine = Machine(None)
    assert install.install_browser(machine.run, machine.find) == 1
    err = capsys.readouterr().err
    assert "python -m playwright install chromium" in err
    assert "apt-get install -y chromium" in err
