"""encoder.onnx made from lm.onnx is the manifest's file, byte for byte; a mismatch writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models.hashing import sha256_of
from models.lm.paths import PUBLIC_MODELS

from .encoder_from_lm import EncoderMismatch, rebuild_encoder


def copy_set(tmp_path: Path) -> Path:
    for name in ("manifest.json", "lm.onnx"):
        shutil.copyfile(PUBLIC_MODELS / name, tmp_path / name)
    return tmp_path


def test_rebuilt_encoder_is_the_manifest_file_and_is_kept_after(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    path, written = rebuild_encoder(folder)
    entry = json.loads((folder / "manifest.json").read_text())["files"]["encoder"]
    assert written and sha256_of(path) == entry["sha256"] and path.stat().st_size == entry["bytes"]
    assert rebuild_encoder(folder) == (path, False)


def test_a_different_export_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["encoder"]["sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(EncoderMismatch, match="nothing was written"):
        rebuild_encoder(folder)
    assert not (folder / "encoder.onnx").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["lm.onnx", "manifest.json"]
