"""The head-at-targets loss equals the full-logits loss it replaces, in value and in gradient."""

from __future__ import annotations

import torch

from models.lm.config import LMConfig
from models.lm.loss import IGNORE, causal_lm_loss, target_loss
from models.lm.model import CodeLM


def test_target_loss_equals_the_full_logits_loss() -> None:
    torch.manual_seed(0)
    lm = CodeLM(LMConfig(vocab_size=97, d_model=32, n_layers=2, n_heads=4, d_ff=48, max_seq_len=64))
    ids = torch.randint(0, 97, (3, 12))
    labels = torch.full_like(ids, IGNORE)
    labels[0, 8:] = ids[0, 8:]
    labels[1, 3:5] = ids[1, 3:5]
    labels[2, 11] = ids[2, 11]
    hidden, _ = lm.hidden_states(ids)
    full = causal_lm_loss(lm.logits(hidden), labels)
    ours = target_loss(lm.logits, hidden, labels)
    assert torch.allclose(ours, full, atol=1e-6)
    assert torch.allclose(target_loss(lm.logits, hidden, labels, "none"),
                          causal_lm_loss(lm.logits(hidden), labels, "none").sum(), atol=1e-5)
    grad_full = torch.autograd.grad(full, lm.embed.weight, retain_graph=True)[0]
    grad_ours = torch.autograd.grad(ours, lm.embed.weight)[0]
    assert torch.allclose(grad_ours, grad_full, atol=1e-6)
    assert float(full) > 0


def test_bf16_autocast_only_where_the_cpu_has_it() -> None:
    from models.lm.runtime import cpu_has_native_bf16
    assert cpu_has_native_bf16("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    assert cpu_has_native_bf16("flags\t\t: fpu amx_bf16 amx_tile\n")
    assert not cpu_has_native_bf16("flags\t\t: fpu sse2 avx2 avx512f avx512bw\n")
    assert not cpu_has_native_bf16("")
