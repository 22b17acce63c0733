"""The collection manifest: what each collected cxcheck item is, as data.

The process that collects the items knows each one's file, test, variant, parameters and cell;
under pytest-xdist the controller does not collect, and learns only node ids. So the collecting
process writes :class:`PlannedItem` records (to a JSON file under xdist) and the controller reads
them: nothing parses a node id or reloads the profile catalogue to find an item's cell.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cxcheck.model.results import ItemResult

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class PlannedItem:
    """One collected cxcheck item: enough to report it even if it never runs."""

    nodeid: str
    file: str
    test: str
    variant: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    cell: str | None = None
    device: str | None = None
    network: str | None = None

    def result(self, **more: Any) -> ItemResult:
        """The item's result, made from what collection knew of it (its cell as data)."""
        return ItemResult(
            nodeid=self.nodeid,
            file=self.file,
            test=self.test,
            cell=self.cell,
            device=self.device,
            network=self.network,
            params=dict(self.params),
            variant=self.variant,
            **more,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedItem:
        return cls(
            nodeid=str(data["nodeid"]),
            file=str(data["file"]),
            test=str(data["test"]),
            variant=str(data.get("variant") or ""),
            params={str(k): str(v) for k, v in dict(data.get("params") or {}).items()},
            cell=data.get("cell"),
            device=data.get("device"),
            network=data.get("network"),
        )


def write_manifest(path: Path, items: Iterable[PlannedItem]) -> Path:
    """Write the manifest atomically: a reader sees the whole file or none."""
    data = {"version": MANIFEST_VERSION, "items": [i.to_dict() for i in items]}
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)
    return path


def read_manifest(path: Path) -> list[PlannedItem] | None:
    """The manifest's items, or None when the file is missing or not a manifest."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    return [PlannedItem.from_dict(i) for i in data.get("items", [])]
