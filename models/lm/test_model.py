"""Model invariants on a tiny random LM: zero LoRA is the base model, the KV cache equals a full forward, the
adapter receives gradients, and the encoder's pooling ignores padding."""

from __future__ import annotations

import torch

from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.lora import random_lora, zero_lora
from models.lm.loss import IGNORE, causal_lm_loss
from models.lm.model import CodeLM

TINY = LMConfig(vocab_size=300, d_model=32, n_layers=2, n_heads=4, d_ff=48, max_seq_len=64)


def tiny_model() -> CodeLM:
    torch.manual_seed(0)
    return CodeLM(TINY).eval()


def test_zero_lora_is_the_base_model() -> None:
    model = tiny_model()
    ids = torch.randint(0, TINY.vocab_size, (2, 10))
    base, _ = model(ids)
    with_zeros, _ = model(ids, lora=zero_lora(TINY))
    assert torch.equal(base, with_zeros)
    nonzero, _ = model(ids, lora=random_lora(TINY, 0.5, torch.Generator().manual_seed(1)))
    assert (nonzero - base).abs().max() > 1e-3


def merged_logits(ids: torch.Tensor, lora: dict[str, tuple[torch.Tensor, torch.Tensor]], scale: float) -> torch.Tensor:
    """The base model with scale * B A added to each target weight: what a LoRA must compute."""
    merged = tiny_model()
    with torch.no_grad():
        for module in merged.modules():
            target = getattr(module, "target", None)
            if target in LORA_TARGETS:
                a, b = lora[target]
                module.weight += scale * b @ a
    reference, _ = merged(ids)
    return reference


def test_lora_matches_merged_weights() -> None:
    model = tiny_model()
    ids = torch.randint(0, TINY.vocab_size, (1, 8))
    lora = random_lora(TINY, 0.3, torch.Generator().manual_seed(2))
    adapted, _ = model(ids, lora=lora)
    assert torch.allclose(adapted, merged_logits(ids, lora, TINY.lora_alpha / TINY.lora_rank), atol=1e-5)


def test_rank_is_read_from_the_tensors() -> None:
    # A rank-3 adapter on a model configured for another rank: it is applied with alpha / 3, the rank its tensors
    # have, not alpha / config.lora_rank (a shape check alone passed whatever scale was used).
    assert TINY.lora_rank != 3
    model = tiny_model()
    ids = torch.randint(0, TINY.vocab_size, (1, 5))
    lora = random_lora(TINY, 0.3, torch.Generator().manual_seed(3), rank=3)
    assert all(a.shape[0] == 3 and b.shape[1] == 3 for a, b in lora.values())
    logits, _ = model(ids, lora=lora)
    assert logits.shape == (1, 5, TINY.vocab_size)
    assert torch.allclose(logits, merged_logits(ids, lora, TINY.lora_alpha / 3), atol=1e-5)
    assert not torch.allclose(logits, merged_logits(ids, lora, TINY.lora_alpha / TINY.lora_rank), atol=1e-3)


def test_kv_cache_equals_full_forward() -> None:
    model = tiny_model()
    lora = random_lora(TINY, 0.3, torch.Generator().manual_seed(4))
    ids = torch.randint(0, TINY.vocab_size, (2, 12))
    full, _ = model(ids, lora=lora)
    prefix, past = model(ids[:, :7], lora=lora)
    steps = [prefix]
    for t in range(7, 12):
        positions = torch.full((2, 1), t)
        step_logits, past = model(ids[:, t : t + 1], position_ids=positions, past=past, lora=lora)
        steps.append(step_logits)
    assert torch.allclose(torch.cat(steps, dim=1), full, atol=1e-5)


def test_gradients_reach_the_adapter_tensors() -> None:
    model = tiny_model()
    for p in model.parameters():
        p.requires_grad_(False)
    lora = {m: (a.requires_grad_(), b.requires_grad_()) for m, (a, b) in random_lora(TINY, 0.1, torch.Generator().manual_seed(5)).items()}
    ids = torch.randint(0, TINY.vocab_size, (2, 9))
    labels = ids.clone()
    labels[:, :6] = IGNORE
    logits, _ = model(ids, lora=lora)
    causal_lm_loss(logits, labels).backward()
    for m, (a, b) in lora.items():
        assert a.grad is not None and a.grad.abs().sum() > 0, m
        assert b.grad is not None and b.grad.abs().sum() > 0, m


def test_pooling_ignores_right_padding() -> None:
    model = tiny_model()
    ids = torch.randint(0, TINY.vocab_size, (1, 6))
    padded = torch.cat([ids, torch.zeros(1, 4, dtype=torch.long)], dim=1)
    mask = torch.tensor([[1] * 6 + [0] * 4])
    alone = model.pooled(ids, torch.ones(1, 6))
    assert torch.allclose(model.pooled(padded, mask), alone, atol=1e-5)


def test_loss_ignores_masked_positions() -> None:
    logits = torch.randn(1, 4, 10)
    labels = torch.tensor([[IGNORE, IGNORE, 3, 4]])
    per_token = causal_lm_loss(logits, labels, reduction="none")
    assert per_token[0, 0] == 0 and per_token[0, 1] > 0


def test_grouped_query_attention_matches_repeated_kv_heads() -> None:
    """A GQA model equals the same model with each KV head's projection rows repeated for its query heads."""
    gqa_config = LMConfig(vocab_size=300, d_model=32, n_layers=2, n_heads=4, n_kv_heads=2, d_ff=48, max_seq_len=64)
    torch.manual_seed(3)
    gqa = CodeLM(gqa_config).eval()
    full = CodeLM(TINY).eval()
    head_dim = TINY.head_dim
    state = {}
    for name, value in gqa.state_dict().items():
        if name.endswith(("attn.k.weight", "attn.v.weight")):
            heads = value.reshape(gqa_config.kv_heads, head_dim, -1)
            value = heads.repeat_interleave(TINY.n_heads // gqa_config.kv_heads, dim=0).reshape(TINY.d_model, -1)
        state[name] = value
    full.load_state_dict(state)
    ids = torch.randint(0, TINY.vocab_size, (2, 9))
    expected, _ = full(ids)
    actual, presents = gqa(ids)
    assert torch.allclose(actual, expected, atol=1e-5)
    assert presents[0][0].shape == (2, gqa_config.kv_heads, 9, head_dim)
    # Decoding with the (smaller) KV cache gives the full forward's last logits.
    step, _ = gqa(ids[:, -1:], past=[(k[:, :, :-1], v[:, :, :-1]) for k, v in presents])
    assert torch.allclose(step[:, -1], actual[:, -1], atol=1e-5)
    assert gqa_config.lora_shapes(4)["k"] == ((4, 32), (16, 4))
