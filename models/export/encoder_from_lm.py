"""Make public/models/encoder.onnx from the committed lm.onnx, checked against the manifest's sha256.

The repository encoder of the 5.3M model set is the LM's own layers with masked mean pooling (graphs.ChunkEncoder):
committing both graphs stored the same 10 MB of weights twice. Only lm.onnx is committed; this rebuilds the LM from
it (models.lm.from_onnx, checked against the parity fixture) and exports the encoder, which is byte for byte the file
the manifest names. Kept when the file is already there with that sha256.

    /usr/bin/python3 -m models.export.encoder_from_lm   (npm run models runs it)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import onnx
import torch

from models.hashing import sha256_of
from models.lm.from_onnx import lm_config_from_manifest, max_fixture_error, state_dict_from_onnx
from models.lm.model import CodeLM
from models.lm.paths import PUBLIC_MODELS

from .export_lm import export_encoder
from .fp16_storage import round_to_fp16


class EncoderMismatch(RuntimeError):
    pass


def expected(manifest: Path) -> dict[str, object]:
    files = json.loads(manifest.read_text())["files"]
    if "encoder" not in files:
        raise EncoderMismatch(f"{manifest} lists no encoder")
    return dict(files["encoder"])


def rebuild_encoder(models_dir: Path = PUBLIC_MODELS, tolerance: float = 1e-4) -> tuple[Path, bool]:
    """(the encoder's path, whether it was written now); raises EncoderMismatch when the export differs."""
    manifest = models_dir / "manifest.json"
    entry = expected(manifest)
    out = models_dir / str(entry["path"])
    if out.exists() and sha256_of(out) == entry["sha256"]:
        return out, False
    config = lm_config_from_manifest(manifest)
    model = CodeLM(config)
    model.load_state_dict(state_dict_from_onnx(onnx.load(str(models_dir / "lm.onnx")), config))
    model.eval()
    round_to_fp16(model)
    error = max_fixture_error(model)
    if error > tolerance:
        raise EncoderMismatch(f"the LM rebuilt from lm.onnx differs from its parity fixture by {error:.3g}")
    with tempfile.TemporaryDirectory(dir=models_dir) as staging:
        made = Path(staging) / out.name
        export_encoder(model, made)
        digest = sha256_of(made)
        if digest != entry["sha256"]:
            raise EncoderMismatch(
                f"the exported encoder has sha256 {digest}, the manifest names {entry['sha256']}: this PyTorch "
                f"({torch.__version__}) exports another graph; nothing was written")
        made.replace(out)
    return out, True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, default=PUBLIC_MODELS)
    args = parser.parse_args(argv)
    try:
        path, written = rebuild_encoder(args.models)
    except EncoderMismatch as error:
        raise SystemExit(f"encoder.onnx: {error}") from None
    print(f"{path.name}: {'made from lm.onnx' if written else 'already current'} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
