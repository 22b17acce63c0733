"""The catalogue as text tables, for `cxcheck profiles` and `pytest --cx-list-profiles`."""

from __future__ import annotations

from cxcheck.config.playwright_devices import playwright_slugs
from cxcheck.config.profiles import Catalogue, DeviceProfile, NetworkProfile, playwright_device
from cxcheck.model.text import table


def _kbps(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:g} Mbit/s" if value >= 1000 else f"{value:g} kbit/s"


def _cpu(d: DeviceProfile) -> str:
    """The fixed factor; with a target score, the score first (calibrated, else the factor)."""
    if d.cpu_score is None:
        return f"{d.cpu_slowdown:g}×"
    return f"{d.cpu_tier or 'score'} {d.cpu_score} (else {d.cpu_slowdown:g}×)"


def render_catalogue(catalogue: Catalogue, with_playwright: bool = False) -> str:
    """Devices, networks and sets of a catalogue, as tables."""
    devices = [
        [
            d.name,
            d.device_class,
            str(d.viewport),
            str(d.screen),
            f"{d.pixel_ratio:g}",
            "yes" if d.mobile else "no",
            "yes" if d.touch else "no",
            _cpu(d),
            d.label,
        ]
        for d in catalogue.devices.values()
    ]
    networks = [
        [
            n.name,
            _latency(n),
            _kbps(n.down_kbps),
            _kbps(n.up_kbps),
            f"{n.timeout_factor:g}×",
            n.label,
        ]
        for n in catalogue.networks.values()
    ]
    sets = [["device", name, ", ".join(m)] for name, m in catalogue.device_sets.items()]
    sets += [["network", name, ", ".join(m)] for name, m in catalogue.network_sets.items()]
    sets.append(["both", "all", "every device / every network above but blackhole"])
    parts = [
        f"Devices ({len(devices)})",
        table(
            ["name", "class", "viewport", "screen", "dpr", "mobile", "touch", "cpu", "label"],
            devices,
        ),
        "",
        f"Networks ({len(networks)}; latency per request, throughput down/up, what Playwright's "
        "default timeouts are multiplied by)",
        table(["name", "latency", "down", "up", "timeouts", "label"], networks),
        "",
        "Sets",
        table(["kind", "name", "members"], sets),
        "",
    ]
    slugs = [s for s in playwright_slugs() if s not in catalogue.devices]
    if with_playwright:
        rows = []
        for slug in slugs:
            d = playwright_device(slug)
            if d is not None:
                rows.append([slug, str(d.viewport), f"{d.pixel_ratio:g}", d.label])
        parts += [
            f"Playwright's device registry ({len(rows)}, usable by name)",
            table(["name", "viewport", "dpr", "Playwright name"], rows),
            "",
        ]
    elif slugs:
        parts.append(
            f"Also usable by name: {len(slugs)} devices of Playwright's registry "
            "(`cxcheck profiles --playwright` lists them), e.g. " + ", ".join(slugs[:3])
        )
    parts.append("Sources: " + ", ".join(catalogue.sources))
    return "\n".join(parts)


def _latency(network: NetworkProfile) -> str:
    if network.offline or network.blackhole:
        return "offline" if network.offline else "blackhole"
    return f"{network.latency_ms:g} ms" if network.latency_ms else "-"
