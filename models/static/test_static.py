"""Static track: importance and cap, hypernetwork shapes and scales, prompts, encoder cache, training, export."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import onnx
import torch

from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.loss import IGNORE
from models.lm.runtime import Distributed

from .config import EncoderConfig, HypernetConfig, PromptConfig, StaticConfig, TrainConfig
from .dataset import embed_repositories, examples, load_tasks, seeded_sample
from .export_onnx import export_hypernet, output_names, parity_reference
from .fixtures import make_world
from .generate import greedy_completion, stop_token_ids
from .hypernet import SharedLora, StaticHypernet
from .importance import importance_weights, path_prior, plan_chunks, prior_scores
from .prompts import prefix_prompt, retrieval_prompt, training_batch
from .rag import Retriever, query_text
from .session import open_session
from .trainer import train_adapter, validation_loss
from .tokens import TokenCache

LM = LMConfig(vocab_size=300, d_model=32, n_layers=1, n_heads=2, d_ff=64, max_seq_len=256)
TINY = StaticConfig(EncoderConfig(chunk_tokens=32, repo_token_cap=96, max_chunks_per_file=2, tau=0.5,
                                  tiny_file_tokens=8, batch_chunks=4),
                    HypernetConfig(trunk_hidden=32, hidden=16, rank=4),
                    PromptConfig(prompt_budget=96, max_target_tokens=8))


def test_path_prior_prefers_library_code() -> None:
    assert path_prior("src/pkg/core.py", 500, 64) > path_prior("pkg/core.py", 500, 64)
    assert path_prior("pkg/__init__.py", 500, 64) < path_prior("pkg/core.py", 500, 64)
    assert path_prior("pkg/tiny.py", 10, 64) < path_prior("pkg/core.py", 500, 64)
    assert path_prior("docs/conf.py", 500, 64) < path_prior("pkg/core.py", 500, 64)


def test_cap_is_breadth_first_by_importance() -> None:
    counts = [1000, 1000, 100, 10]
    priors = np.array([0.5, 1.0, 0.2, -1.0])
    plan = plan_chunks(counts, priors, chunk_tokens=512, max_chunks_per_file=4, token_cap=1200)
    # First chunks go to files 1, 0 (512 each), then file 2 (100): 1124; file 3 (10) still fits; second chunks don't.
    assert plan.chunks_per_file == [1, 1, 1, 1] and plan.tokens == 1134
    tight = plan_chunks(counts, priors, chunk_tokens=512, max_chunks_per_file=4, token_cap=600)
    assert tight.chunks_per_file == [0, 1, 0, 0] and tight.tokens == 512
    full = plan_chunks(counts, priors, chunk_tokens=512, max_chunks_per_file=4, token_cap=10**6)
    assert full.chunks_per_file == [2, 2, 1, 1] and full.tokens == 2110


def test_importance_weights_reward_distinct_files() -> None:
    vectors = np.array([[1.0, 0.0], [1.0, 0.05], [0.0, 1.0]])
    w = importance_weights(np.zeros(3), vectors, tau=0.5)
    assert math.isclose(w.sum(), 1.0) and w[2] > w[0]
    sized = prior_scores(["a.py", "b.py"], [10, 1000], tiny_file_tokens=1)
    assert sized[1] > sized[0]


def test_hypernet_shapes_scales_and_hidden_norm() -> None:
    torch.manual_seed(0)
    net = StaticHypernet(64, LM, HypernetConfig(trunk_hidden=32, hidden=16, rank=4))
    e = torch.randn(64)
    h = net.hidden(e)
    assert math.isclose(float(h.norm()), 4.0, rel_tol=1e-5)      # sqrt(H) * unit vector
    out = net(e)
    assert list(out) == list(LORA_TARGETS)
    for m, (a, b) in out.items():
        (ra, ca), (rb, cb) = LM.lora_shapes(4)[m]
        assert tuple(a.shape) == (ra, ca) and tuple(b.shape) == (rb, cb)
        assert float(a.abs().max()) <= math.exp(-3.5) + 1e-7       # tanh * exp(s), s initialised to -3.5
    with torch.no_grad():
        net.heads.log_scale_a["q"].fill_(5.0)
        net.heads.log_scale_b["q"].fill_(-50.0)
    a, b = net(e)["q"]
    # exp(5) is clamped down to scale_max 0.3 and exp(-50) up to scale_min 1e-5: B is tiny but not zero (a bare
    # ">= 0" held for any tensor, so a missing lower clamp went unseen).
    assert 0.1 < float(a.abs().max()) <= 0.3 + 1e-7
    assert 1e-6 < float(b.abs().max()) <= 1e-5


def test_shared_lora_starts_as_the_base_model() -> None:
    lora = SharedLora(LM, 4)(torch.zeros(1))
    assert all(float(b.abs().sum()) == 0 for _, b in lora.values())
    assert all(float(a.abs().sum()) > 0 for a, _ in lora.values())


def test_prompts_stay_in_budget() -> None:
    assert prefix_prompt([5, 6, 7], 8, eot=0) == [0, 5, 6, 7]
    assert prefix_prompt(list(range(10, 30)), 8, eot=0) == list(range(22, 30))
    rag = retrieval_prompt(list(range(100, 140)), [[1] * 10, [2] * 10, [3] * 10], 32, 0.5, eot=0)
    # The context (16 = half the budget) comes on top of the 32 prefix tokens the base's prompt keeps.
    assert rag == [0] + [1] * 10 + [2] * 6 + list(range(108, 140))
    assert rag[17:] == prefix_prompt(list(range(100, 140)), 32, eot=0)
    ids, labels = training_batch([([1, 2, 3], [4, 5]), ([1], [6, 7, 8])], pad=9, max_target=2)
    assert ids.tolist() == [[1, 2, 3, 4, 5], [1, 6, 7, 9, 9]]
    assert labels.tolist() == [[IGNORE, IGNORE, IGNORE, 4, 5], [IGNORE, 6, 7, IGNORE, IGNORE]]


def test_retriever_finds_the_window_with_the_test_words() -> None:
    files = [("a.py", "def parse_version(text):\n    return text\n"), ("b.py", "def unrelated():\n    pass\n")]
    retriever = Retriever(files, window_lines=2)
    prefix = "import x\n\ndef test_parse():\n    assert parse_version('1') == "
    assert query_text(prefix).startswith("\ndef test_parse")
    assert retriever.top(prefix, 3)[0] == "def parse_version(text):\n    return text\n"


def test_seeded_sample_is_stable_under_order() -> None:
    tasks = [{"id": f"t{i}"} for i in range(50)]
    a = seeded_sample(tasks, 10, 0)
    b = seeded_sample(list(reversed(tasks)), 10, 0)
    assert a == b and len(a) == 10 and seeded_sample(tasks, 10, 1) != a


def test_pipeline_on_a_tiny_world(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    session = open_session(world.lm_checkpoint, TINY, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    data = load_tasks(world.bench_dir, {"train": 100, "cr_val": 100, "ir_test": 100}, seed=0)
    assert data.repos_with("train") == ["alpha", "beta"] and data.repos_with("cr_val") == ["gamma"]
    seconds = embed_repositories(data, session.encoder, sorted(world.repos), log=False)
    # Encoding ran (a duration of 0 would mean nothing was timed); every repository got an embedding.
    assert 0 < seconds < 600 and set(data.embeddings) == set(world.repos)
    stats = data.embedding_stats["delta"]
    assert stats.files == 3 and stats.tokens_planned <= TINY.encoder.repo_token_cap and stats.chunks_encoded > 0
    assert data.embeddings["alpha"].shape == (64,)
    assert not np.allclose(data.embeddings["alpha"], data.embeddings["delta"])
    # A second encoder over the same cache re-encodes nothing and gives the same vectors.
    again = open_session(world.lm_checkpoint, TINY, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    emb = again.encoder.embed(__import__("models.static.tokens", fromlist=["x"]).repository_files(data.repos["delta"]))
    assert emb.chunks_encoded == 0 and np.allclose(emb.vector, data.embeddings["delta"])

    train = {r: examples(ts, session.tokens, TINY.prompt) for r, ts in data.tasks["train"].items()}
    val = {r: examples(ts, session.tokens, TINY.prompt) for r, ts in data.tasks["cr_val"].items()}
    assert all(e.target[-1] in stop_token_ids(session.tokens) for es in train.values() for e in es)
    embeddings = {r: torch.from_numpy(v) for r, v in data.embeddings.items()}
    torch.manual_seed(0)
    net = StaticHypernet(64, session.lm.config, TINY.hypernet)
    net.set_input_statistics(torch.stack([embeddings[r] for r in sorted(train)]))
    cfg = TrainConfig(steps=40, tasks_per_step=4, warmup_steps=4, eval_every=20, seed=0)
    before = validation_loss(net, session.lm, train, embeddings, session.tokens.pad, 8, 8)
    result = train_adapter(net, session.lm, train, embeddings, cfg, 3e-3, session.tokens.pad, 8,
                           Distributed(0, 1), val=val)
    net.load_state_dict(result.best_state)
    after = validation_loss(net, session.lm, train, embeddings, session.tokens.pad, 8, 8)
    assert result.steps == 40 and [h["step"] for h in result.history] == [0, 20, 40]
    assert after < before                                        # the hypernetwork learned the train tasks
    assert result.best_val_loss == min(h["val_loss"] for h in result.history)
    assert all(p.grad is None for p in session.lm.parameters())  # the LM stayed frozen

    stops = stop_token_ids(session.tokens)
    example = train["alpha"][0]
    with torch.no_grad():
        out = greedy_completion(session.lm, example.prompt, net(embeddings["alpha"]), 6, stops)
    assert 1 <= len(out) <= 6 and all(t not in stops for t in out[:-1])


def test_export_graph_and_parity_reference(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = StaticHypernet(64, LM, HypernetConfig(trunk_hidden=32, hidden=16, rank=4))
    path = tmp_path / "hypernet.onnx"
    export_hypernet(net, path)
    model = onnx.load(str(path))
    assert [i.name for i in model.graph.input] == ["embedding"]
    assert [o.name for o in model.graph.output] == output_names()
    ops = {n.op_type for n in model.graph.node}
    assert ops <= {"Sub", "Div", "Gemm", "MatMul", "Add", "Mul", "Erf", "ReduceL2", "Clip", "Expand", "Tanh",
                   "Reshape", "Cast", "Constant", "Shape", "Max", "Exp", "Identity"}, ops
    ref = parity_reference(net)
    assert len(ref["input"]["embedding"]) == 64
    assert ref["outputs"]["lora_A_q"]["shape"] == [4, 32] and ref["outputs"]["lora_B_down"]["shape"] == [32, 4]


def test_batched_decoding_matches_one_at_a_time() -> None:
    torch.manual_seed(1)
    from models.lm.model import CodeLM
    lm = CodeLM(LM).eval()
    prompts = [[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15], [1, 2, 3, 4]]
    stops = {0, 1, 2}
    lora = SharedLora(LM, 4)(torch.zeros(1))
    from .generate import greedy_many
    together = greedy_many(lm, prompts, lora, 8, stops, batch_size=3)
    alone = [greedy_completion(lm, p, lora, 8, stops) for p in prompts]
    assert together == alone and all(1 <= len(o) <= 8 for o in together)


def test_prompts_are_cut_to_a_quantized_length() -> None:
    assert len(prefix_prompt(list(range(10, 80)), 256, eot=0, quantum=32)) == 64       # 71 -> 64, EOT dropped
    assert prefix_prompt(list(range(10, 80)), 256, eot=0, quantum=32)[-1] == 79
    assert len(prefix_prompt(list(range(10, 30)), 256, eot=0, quantum=32)) == 21       # one quantum or less: whole
    rag = retrieval_prompt(list(range(100, 200)), [[1] * 10], 64, 0.5, eot=0, quantum=32)
    assert rag == [0] + [1] * 10 + list(range(147, 200))                               # 1 + 10 + 64 = 75 -> 64


def test_histogram_counts_leading_tokens_under_the_cap() -> None:
    from .histogram import inverse_document_frequency, token_histogram

    class Ids:
        def leading(self, text: str, count: int) -> list[int]:
            return [ord(c) % 50 for c in text][:count]

    files = [("pkg/a.py", "abcdefgh" * 10), ("pkg/__init__.py", "zz")]
    counts = token_histogram(files, Ids(), TINY.encoder, 40, 50)  # type: ignore[arg-type]
    assert 0 < counts.sum() <= 40
    assert counts[ord("a") % 50] > 0 and counts[10] == 0
    idf = inverse_document_frequency(np.stack([counts, np.zeros_like(counts)]))
    assert idf[ord("a") % 50] < idf[10]  # a token seen in more repositories weighs less


def test_mixture_heads_start_at_the_shared_lora_and_export_without_einsum(tmp_path: Path) -> None:
    from dataclasses import replace

    net = StaticHypernet(64, LM, replace(TINY.hypernet, mixture=4, shared_base=True))
    shared = SharedLora(LM, 4)
    net.heads.load_base(shared(torch.zeros(1)), noise=0.0)
    net.heads.zero_()
    out = net(torch.randn(64))
    assert torch.allclose(out["q"][0], shared.a["q"], atol=1e-6)
    net.eval()
    export_hypernet(net, tmp_path / "m.onnx")
    assert "Einsum" not in {n.op_type for n in onnx.load(str(tmp_path / "m.onnx")).graph.node}


def test_a_resumed_run_ends_where_an_uninterrupted_one_does(tmp_path: Path) -> None:
    """Stopped after 6 of 12 steps (its last.pt kept) and resumed, a run draws the same repositories and tasks and
    ends with the same adapter as a run that never stopped."""
    world = make_world(tmp_path)
    session = open_session(world.lm_checkpoint, TINY, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    data = load_tasks(world.bench_dir, {"train": 100}, seed=0)
    train = {r: examples(ts, session.tokens, TINY.prompt) for r, ts in data.tasks["train"].items()}
    zeros = {r: torch.zeros(64) for r in train}

    def run(checkpoint: Path, stop_at: int | None = None) -> dict[str, torch.Tensor]:
        torch.manual_seed(0)
        adapter = SharedLora(session.lm.config, 4)
        cfg = TrainConfig(steps=12, tasks_per_step=3, warmup_steps=2, eval_every=0, seed=0)
        result = train_adapter(adapter, session.lm, train, zeros, cfg, 1e-2, session.tokens.pad, 8,
                               Distributed(0, 1), checkpoint=checkpoint, save_every=4, stop_at=stop_at)
        assert result.steps == (stop_at or 12)
        return {k: v.clone() for k, v in adapter.state_dict().items()}

    straight = run(tmp_path / "straight.pt")
    halfway = run(tmp_path / "resumed.pt", stop_at=6)
    resumed = run(tmp_path / "resumed.pt")
    assert all(torch.allclose(straight[k], resumed[k], atol=1e-6) for k in straight)
    assert not all(torch.allclose(straight[k], halfway[k]) for k in straight)


def test_a_separate_encoder_lm_sets_the_embedding_width(tmp_path: Path) -> None:
    """The hypernetwork reads the encoder's vectors: with another LM as encoder (its own tokenizer), e has twice
    that LM's width, and pooling the lower layers gives other vectors under another cache key."""
    from dataclasses import replace

    from models.lm.config import LMConfig
    from models.lm.model import CodeLM
    from models.static.frozen_lm import save_lm_checkpoint
    from models.static.tokens import repository_files

    world = make_world(tmp_path)
    vocab = torch.load(world.lm_checkpoint)["config"]["vocab_size"]
    torch.manual_seed(1)
    wide = CodeLM(LMConfig(vocab_size=vocab, d_model=48, n_layers=2, n_heads=2, d_ff=64, max_seq_len=256))
    folder = tmp_path / "encoder"
    folder.mkdir()
    save_lm_checkpoint(wide, folder / "lm.pt")
    (folder / "tokenizer.json").write_bytes(world.tokenizer.read_bytes())
    encoder_path = str(folder / "lm.pt")  # an absolute path stays absolute under the repository root
    for layers in (0, 1):
        config = replace(TINY, encoder=replace(TINY.encoder, lm=encoder_path, layers=layers))
        session = open_session(world.lm_checkpoint, config, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
        assert session.embed_dim == 96 and session.lm.config.d_model == 32
        data = load_tasks(world.bench_dir, {"train": 1}, seed=0)
        emb = session.encoder.embed(repository_files(data.repos["delta"]))
        assert emb.vector.shape == (96,)
        if layers == 0:
            full = emb.vector
        else:
            assert session.encoder.encoder_id.endswith("-L1") and not np.allclose(full, emb.vector)


def test_task_tokens_of_a_github_repository_are_kept_and_read_back(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    tokens = TokenCache(world.tokenizer, tmp_path / "tokens")
    task = {"repo": "owner/name", "id": "t1", "prefix": "def test_f():\n    assert f(1) == ", "target": "2"}
    ids = tokens.task(task)
    tokens.flush()
    # A new cache reads the ids from disk instead of tokenising again.
    again = TokenCache(world.tokenizer, tmp_path / "tokens")
    again.encode = lambda text: (_ for _ in ()).throw(AssertionError("tokenised again"))  # type: ignore[method-assign]
    assert again.task(task) == ids
