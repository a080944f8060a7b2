"""The committed lm.onnx rebuilds into the PyTorch LM that produced the committed parity fixture."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest
import torch

from models.lm.from_onnx import lm_config_from_manifest, main, max_fixture_error, state_dict_from_onnx
from models.lm.model import CodeLM
from models.lm.paths import PUBLIC_MODELS

LM_ONNX = PUBLIC_MODELS / "lm.onnx"


def test_rebuilt_lm_matches_the_parity_fixture() -> None:
    config = lm_config_from_manifest()
    model = CodeLM(config)
    model.load_state_dict(state_dict_from_onnx(onnx.load(str(LM_ONNX)), config))
    model.eval()
    assert max_fixture_error(model) < 1e-4


def test_a_scrambled_weight_is_caught(tmp_path: Path) -> None:
    config = lm_config_from_manifest()
    state = state_dict_from_onnx(onnx.load(str(LM_ONNX)), config)
    # Swapping q and k keeps every shape but changes attention: the fixture check must see it.
    state["blocks.0.attn.q.weight"], state["blocks.0.attn.k.weight"] = (state["blocks.0.attn.k.weight"],
                                                                        state["blocks.0.attn.q.weight"])
    model = CodeLM(config)
    model.load_state_dict(state)
    model.eval()
    assert max_fixture_error(model) > 1e-3


def test_cli_writes_a_loadable_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "lm.pt"
    main(["--out", str(out)])
    saved = torch.load(out, map_location="cpu")
    assert saved["source"] == "lm.onnx"
    CodeLM(lm_config_from_manifest()).load_state_dict(saved["model"])


def test_a_graph_without_the_lm_weights_is_refused() -> None:
    graph = onnx.load(str(LM_ONNX))
    del graph.graph.initializer[:]
    with pytest.raises(ValueError):
        state_dict_from_onnx(graph, lm_config_from_manifest())


def test_the_rebuilt_lm_keeps_the_id_its_adapters_were_trained_on(tmp_path: Path) -> None:
    """The id is the checkpoint file's sha256: the rebuild must write the same bytes as when the published adapters
    were trained (models/weights/*.pt name that id), or none of them loads."""
    import json

    from models.static.frozen_lm import load_frozen_lm
    from models.static.paths import WEIGHTS_DIR

    out = tmp_path / "from_onnx.pt"  # the file's stem is part of the archive, so of the id
    main(["--out", str(out)])
    trained_on = {torch.load(p, map_location="cpu")["lm_id"] for p in sorted(WEIGHTS_DIR.glob("*.pt"))}
    assert trained_on == {load_frozen_lm(out)[1]}
    assert json.loads((WEIGHTS_DIR.parent / "results.json").read_text())["lm_id"] in trained_on
    # A config with grouped-query attention keeps the field; one without writes no such key.
    config = lm_config_from_manifest()
    assert "n_kv_heads" not in config.to_dict()
    assert config.from_dict({**config.to_dict(), "n_kv_heads": 2}).to_dict()["n_kv_heads"] == 2
