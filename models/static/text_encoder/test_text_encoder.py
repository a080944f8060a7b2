"""The packaged text encoder's parts on tiny fixtures: the WordPiece rules, BERT read from safetensors under the
package's names (against a plain per-head reference), and the setup's checks. The real tokenizer was checked
against the Hugging Face library's JavaScript build (models/static/text_encoder/README.md)."""

from __future__ import annotations

import json
import math
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from models.base.fetch import BaseSetupError
from models.base.pins import WheelPin

from .bert import MiniBert, read_safetensors
from .setup import EncoderPin, make_files, require
from .wordpiece import WordPiece, WordPieceTokens, normalize, pre_tokenize

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "def", "add", "##er", "##s", "(", ")", ":", "a", "b", "cafe", "日",
         "x", "##x"]


def tiny_wordpiece() -> WordPiece:
    return WordPiece({t: i for i, t in enumerate(VOCAB)})


def test_normalizing_lowercases_strips_accents_spaces_chinese_and_drops_controls() -> None:
    assert normalize("Café\tX\x07\x00日") == "cafe x 日 "
    assert pre_tokenize("def add(a,b):") == ["def", "add", "(", "a", ",", "b", ")", ":"]


def test_words_take_the_longest_pieces_and_an_uncovered_word_is_one_unknown() -> None:
    wp = tiny_wordpiece()
    assert wp.encode("def Adders(a):") == [4, 5, 6, 7, 8, 11, 9, 10]
    assert wp.encode("addz Café") == [1, 13]
    assert wp.word("x" * 100) == [15] + [16] * 99
    assert wp.word("x" * 101) == [1]


def test_leading_ids_are_those_of_the_whole_text() -> None:
    tokens = WordPieceTokens(tiny_wordpiece())
    text = "def add(a): " * 300
    assert tokens.leading(text, 50) == tiny_wordpiece().encode(text)[:50]
    assert tokens.pad == 0


D, HEADS, FF, LAYERS, V, P = 8, 2, 16, 2, len(VOCAB), 40


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header: dict[str, object] = {}
    offset, blobs = 0, []
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def tiny_bert(folder: Path) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    w: dict[str, np.ndarray] = {"embeddings.word_embeddings.weight": rng.normal(size=(V, D)),
                                "embeddings.position_embeddings.weight": rng.normal(size=(P, D)),
                                "embeddings.token_type_embeddings.weight": rng.normal(size=(2, D)),
                                "embeddings.LayerNorm.weight": 1 + 0.1 * rng.normal(size=D),
                                "embeddings.LayerNorm.bias": 0.1 * rng.normal(size=D)}
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for name, shape in (("attention.self.query", (D, D)), ("attention.self.key", (D, D)),
                            ("attention.self.value", (D, D)), ("attention.output.dense", (D, D)),
                            ("intermediate.dense", (FF, D)), ("output.dense", (D, FF))):
            w[p + name + ".weight"] = rng.normal(size=shape) / math.sqrt(shape[1])
            w[p + name + ".bias"] = 0.1 * rng.normal(size=shape[0])
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"] = 1 + 0.1 * rng.normal(size=D)
            w[p + norm + ".bias"] = 0.1 * rng.normal(size=D)
    folder.mkdir(parents=True, exist_ok=True)
    write_safetensors(folder / "model.safetensors", w)
    (folder / "config.json").write_text(json.dumps({
        "hidden_size": D, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS, "intermediate_size": FF,
        "vocab_size": V, "max_position_embeddings": P, "layer_norm_eps": 1e-12}))
    return w


def reference(w: dict[str, np.ndarray], ids: list[int], layers: int = LAYERS) -> np.ndarray:
    """BERT written out head by head in float64 from the package's own names, mean-pooled and unit length."""
    def norm(x: np.ndarray, name: str) -> np.ndarray:
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * w[name + ".weight"] + w[name + ".bias"]

    def linear(x: np.ndarray, name: str) -> np.ndarray:
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    seq = [2, *ids, 3]
    x = w["embeddings.word_embeddings.weight"][seq] + w["embeddings.position_embeddings.weight"][:len(seq)]
    x = norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
    hd = D // HEADS
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q, k, v = (linear(x, p + f"attention.self.{n}") for n in ("query", "key", "value"))
        heads = []
        for h in range(HEADS):
            s = q[:, h * hd:(h + 1) * hd] @ k[:, h * hd:(h + 1) * hd].T / math.sqrt(hd)
            a = np.exp(s - s.max(-1, keepdims=True))
            heads.append((a / a.sum(-1, keepdims=True)) @ v[:, h * hd:(h + 1) * hd])
        x = norm(x + linear(np.concatenate(heads, -1), p + "attention.output.dense"), p + "attention.output.LayerNorm")
        up = linear(x, p + "intermediate.dense")
        gelu = 0.5 * up * (1 + np.vectorize(math.erf)(up / math.sqrt(2)))
        x = norm(x + linear(gelu, p + "output.dense"), p + "output.LayerNorm")
    mean = x.mean(0)
    return mean / np.linalg.norm(mean)


def test_bert_reads_the_package_names_and_pools_each_chunk_as_the_reference_does(tmp_path: Path) -> None:
    w = tiny_bert(tmp_path)
    assert set(read_safetensors(tmp_path / "model.safetensors")) == set(w)
    model = MiniBert.load(tmp_path)
    chunks = [[4, 5, 8, 11, 9], [13, 14]]
    ids = torch.tensor([chunks[0], chunks[1] + [0, 0, 0]])
    mask = torch.tensor([[1] * 5, [1, 1, 0, 0, 0]])
    for layers in (0, 1):
        got = model.pooled(ids, mask, layers, cls=2, sep=3).double().numpy()
        for row, chunk in enumerate(chunks):
            np.testing.assert_allclose(got[row], reference(w, chunk, layers or LAYERS), atol=1e-5)


def fake_wheel(folder: Path, files: dict[str, bytes]) -> WheelPin:
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "enc-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(f"enc/model/{name}", data)
    return WheelPin("enc", "0.1", path.name, hashlib.sha256(path.read_bytes()).hexdigest())


def test_a_file_that_does_not_match_its_pin_is_not_kept_and_a_missing_one_names_the_setup(tmp_path: Path) -> None:
    import hashlib

    files = {"config.json": b"{}", "vocab.txt": b"[PAD]\n"}
    wheel = fake_wheel(tmp_path / "downloads", files)
    sha = {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
    members = {n: f"enc/model/{n}" for n in files}
    pin_path = tmp_path / "pin.json"
    pin_path.write_text(json.dumps({"name": "enc", "package": "enc", "version": "0.1", "wheel": wheel.wheel,
                                    "wheel_sha256": wheel.wheel_sha256, "members": members, "sha256": sha}))
    with pytest.raises(FileNotFoundError, match="models.static.text_encoder.setup"):
        require(pin_path, tmp_path)
    bad = EncoderPin("enc", wheel, members, sha | {"vocab.txt": "0" * 64})
    with pytest.raises(BaseSetupError, match="not the pinned"):
        make_files(bad, tmp_path)
    assert not (tmp_path / "enc" / "vocab.txt").exists()
    assert make_files(EncoderPin.load(pin_path), tmp_path) == tmp_path / "enc"
    assert require(pin_path, tmp_path) == tmp_path / "enc"
