"""``cxcheck record``: record a journey with Playwright's recorder and write it as journey YAML,
or convert a transcript recorded elsewhere (``--from-jsonl``, no browser, no display).

Recording is :mod:`cxcheck.journeyfiles.recording`, converting :mod:`cxcheck.journeyfiles.codegen`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cxcheck.cli.arguments import add_profiles_option
from cxcheck.config.profiles import load_catalogue
from cxcheck.journeyfiles import recording
from cxcheck.journeyfiles.codegen import convert
from cxcheck.journeyfiles.transcript import RecorderError, first_url, origin, read_transcript

if TYPE_CHECKING:
    from cxcheck.config.profiles import DeviceProfile


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "record",
        help="record a journey in a browser with Playwright's recorder and write it as YAML",
        description="Open URL in a browser with Playwright's recorder, click through the journey "
        "(the toolbar on the page adds checks), close the window: the journey is written as a "
        "journey file with accessible locators. Needs a display; --from-jsonl converts a "
        "transcript of `playwright codegen --target jsonl -o FILE URL` without one.",
    )
    parser.add_argument("url", nargs="?", metavar="URL", help="the page the journey starts on")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help="the journey file to write, like checkout.journey.yaml (- for standard output)",
    )
    parser.add_argument(
        "--device", metavar="NAME", help="record as this device (viewport, touch, user agent)"
    )
    parser.add_argument(
        "--from-jsonl",
        type=Path,
        metavar="FILE",
        help="convert this recorder transcript instead of recording (no browser, no display)",
    )
    parser.add_argument("--name", help="the journey's name (default: from the file name)")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="write addresses on this origin as paths (default: the start page's origin)",
    )
    parser.add_argument(
        "--save-jsonl", type=Path, metavar="FILE", help="also keep the recorder's transcript"
    )
    add_profiles_option(parser, "TOML files of your own profiles, for --device")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return command(
        args.url,
        output=args.output,
        device=args.device,
        from_jsonl=args.from_jsonl,
        name=args.name,
        base_url=args.base_url,
        profiles=args.profiles,
        save_jsonl=args.save_jsonl,
    )


def _resolve_device(
    device: str | None, profiles: Sequence[str | os.PathLike[str]]
) -> DeviceProfile | None:
    if not device:
        return None
    return load_catalogue(profiles).resolve_devices([device], where="--device")[0]


def record(
    url: str,
    *,
    device: str | None,
    output: Path,
    name: str | None = None,
    base_url: str | None = None,
    profiles: Sequence[str | os.PathLike[str]] = (),
    save_jsonl: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Record a journey in a browser window with Playwright's recorder; write it to ``output``
    (``-``: standard output). Returns the exit status (0).

    The device's viewport, screen, pixel ratio, touch and user agent are the browser's while
    recording. Paths are written relative to ``base_url`` (default: the origin of ``url``).
    Closing the browser window ends the recording.
    """
    env = os.environ if env is None else env
    profile = _resolve_device(device, profiles)  # a typo fails before anything starts
    recording.require_display(env)
    lines = recording.record_lines(url, profile, env)
    if save_jsonl is not None:
        save_jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = convert(lines, name=name or _default_name(output), base_url=base_url or origin(url))
    _write(output, text)
    return 0


def _default_name(output: Path) -> str:
    """``checkout.journey.yaml`` → ``checkout``; the journey's name when none is given."""
    if str(output) == "-":
        return "recorded journey"
    stem = output.name
    for suffix in (".yaml", ".yml", ".journey"):
        stem = stem.removesuffix(suffix)
    return stem.replace("-", " ").replace("_", " ").strip() or "recorded journey"


def _write(output: Path, text: str) -> None:
    if str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RecorderError(f"cannot write {output}: {exc.strerror or exc}") from None
    steps = text.count("\n  - name: ")
    print(
        f"cxcheck record: wrote {output} ({steps} step{'s' if steps != 1 else ''}); review the "
        "locators and the `# review:` comments before committing",
        file=sys.stderr,
    )


def command(
    url: str | None,
    *,
    output: Path,
    device: str | None = None,
    from_jsonl: Path | None = None,
    name: str | None = None,
    base_url: str | None = None,
    profiles: Sequence[str | os.PathLike[str]] = (),
    save_jsonl: Path | None = None,
) -> int:
    """``cxcheck record``: record ``url``, or convert the transcript ``from_jsonl``."""
    if from_jsonl is None:
        if not url:
            raise RecorderError(
                "give the URL to record (`cxcheck record http://localhost:8000/ -o "
                "checkout.journey.yaml`), or --from-jsonl FILE to convert a transcript"
            )
        return record(
            url,
            device=device,
            output=output,
            name=name,
            base_url=base_url,
            profiles=profiles,
            save_jsonl=save_jsonl,
        )
    if url:
        raise RecorderError("give either a URL to record or --from-jsonl FILE, not both")
    _resolve_device(device, profiles)  # checked all the same, so a typo never goes unnoticed
    try:
        lines = from_jsonl.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RecorderError(f"cannot read {from_jsonl}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RecorderError(f"{from_jsonl} is not UTF-8 text; is it a JSONL transcript?") from None
    try:
        if base_url is None:
            start = first_url(read_transcript(lines))
            base_url = origin(start) if start else None
        text = convert(lines, name=name or _default_name(output), base_url=base_url)
    except RecorderError as exc:
        raise RecorderError(f"{from_jsonl}: {exc}") from None
    _write(output, text)
    return 0
