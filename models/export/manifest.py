"""The served models' manifest.json (TypeScript type `Manifest` in src/engine/types.ts), updated entry by entry.

Each exporter (this LM stage, later the hypernetworks) calls `register_file` for what it wrote and `set_section`
for its config / metrics / data; entries written by other stages are kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional
from models.hashing import sha256_of

MANIFEST_VERSION = 1
SECTIONS = ("config", "metrics", "data")


def read_manifest(manifest_path: Path) -> dict[str, Any]:
    if manifest_path.exists():
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        if manifest.get("version") != MANIFEST_VERSION:
            raise ValueError(f"{manifest_path}: unsupported manifest version {manifest.get('version')}")
        return manifest
    return {"version": MANIFEST_VERSION, "files": {}}


def write_manifest(manifest_path: Path, manifest: dict[str, Any]) -> None:
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    tmp.replace(manifest_path)


def register_file(
    manifest_path: Path, name: str, file_path: Path,
    inputs: Optional[dict[str, list[int | str]]] = None, outputs: Optional[dict[str, list[int | str]]] = None,
    external: Optional[dict[str, Any]] = None, on_wasm: Optional[str] = None, on_webgpu: Optional[str] = None,
) -> dict[str, Any]:
    """Records `file_path` (which must sit in or under the manifest's folder) under `name`: sha256, bytes, shapes,
    for a graph with external weights how the app builds them (gguf_initializers.ExternalBlocks), and the graph the
    app runs in its place on WASM (`on_wasm`) and on WebGPU (`on_webgpu`)."""
    relative = file_path.resolve().relative_to(manifest_path.parent.resolve()).as_posix()
    entry: dict[str, Any] = {"path": relative, "sha256": sha256_of(file_path), "bytes": file_path.stat().st_size}
    if inputs is not None:
        entry["inputs"] = inputs
    if outputs is not None:
        entry["outputs"] = outputs
    if external is not None:
        entry["external"] = external
    if on_wasm is not None:
        entry["on_wasm"] = on_wasm
    if on_webgpu is not None:
        entry["on_webgpu"] = on_webgpu
    manifest = read_manifest(manifest_path)
    manifest["files"][name] = entry
    write_manifest(manifest_path, manifest)
    return entry


def set_section(manifest_path: Path, section: str, key: str, value: Any) -> None:
    """manifest[section][key] = value, e.g. set_section(p, "metrics", "lm", {...})."""
    if section not in SECTIONS:
        raise ValueError(f"unknown manifest section {section!r} (one of {SECTIONS})")
    manifest = read_manifest(manifest_path)
    manifest.setdefault(section, {})[key] = value
    write_manifest(manifest_path, manifest)
