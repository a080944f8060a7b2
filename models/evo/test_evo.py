"""Code2LoRA-Evo: the spelled-out GRU cell, the state's start and steps, zero heads, BPTT windows, diff text, export."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import onnx
import torch

from models.data.bench import SequenceInfo
from models.data.evolution import unified_diff
from models.lm.config import LORA_TARGETS, LMConfig
from models.lm.model import CodeLM
from models.static.config import HypernetConfig
from models.static.dataset import Example

from .config import EvoConfig, EvoTrainConfig
from .data import EvoSequence
from .diff_text import change_text, deleted_file_text, new_side_text, step_text
from .export_onnx import GRAPHS, export_evo, parity_reference
from .model import EvoHypernet, GruCell
from .session import make_control, zero_heads
from .step_embeddings import SequenceEmbeddings
from .trainer import evo_optimizer, states_along, train_evo, validation_loss, window_loss

LM = LMConfig(vocab_size=64, d_model=16, n_layers=1, n_heads=2, d_ff=32, max_seq_len=64)
HEADS = HypernetConfig(trunk_hidden=16, hidden=8, rank=2, shared_base=True)
EVO = EvoConfig(state=8, init_hidden=16, step_input=12)
E = 2 * LM.d_model


def model() -> EvoHypernet:
    torch.manual_seed(0)
    return EvoHypernet(E, LM, HEADS, EVO)


def test_gru_cell_matches_torch() -> None:
    torch.manual_seed(1)
    ours, ref = GruCell(5, 7), torch.nn.GRUCell(5, 7)
    with torch.no_grad():
        ours.x.weight.copy_(ref.weight_ih)
        ours.x.bias.copy_(ref.bias_ih)
        ours.z.weight.copy_(ref.weight_hh)
        ours.z.bias.copy_(ref.bias_hh)
    x, z = torch.randn(5), torch.randn(7)
    assert torch.allclose(ours(x, z), ref(x[None], z[None])[0], atol=1e-6)


def test_zero_heads_start_at_the_shared_base_and_still_learn() -> None:
    m = model()
    with torch.no_grad():
        for p in m.heads.base.parameters():
            p.normal_()
    zero_heads(m)
    z = m.start(torch.randn(E))
    lora = m.adapter(z)
    for t in LORA_TARGETS:
        assert torch.equal(lora[t][0], m.heads.base.a[t])
    loss = sum((a.sum() + b.sum()) for a, b in lora.values())
    loss.backward()
    assert m.heads.head_a["q"].weight.grad is not None and m.heads.head_a["q"].weight.grad.abs().sum() > 0


def sequence(n: int, task_steps: list[int], diff_steps: set[int]) -> EvoSequence:
    rng = np.random.default_rng(0)
    steps = rng.normal(size=(n, E)).astype(np.float32)
    has = np.array([i in diff_steps for i in range(n)])
    steps[~has] = 0
    emb = SequenceEmbeddings(rng.normal(size=E).astype(np.float32), steps, has)
    info = SequenceInfo("r", "replay", "", "1", "train", n, len(task_steps), Path("x"), None)
    ex = {i: [Example({"id": f"{i}"}, [1, 2, 3, 4], [5, 6])] for i in task_steps}
    return EvoSequence(info, emb, {i: [{"id": f"{i}"}] for i in task_steps}, ex)


def test_state_moves_only_on_production_steps() -> None:
    m = model()
    seq = sequence(6, [2, 5], {0, 1, 3})
    with torch.no_grad():
        states = states_along(m, seq, 5)
    assert torch.equal(states[1], states[2])           # a test step leaves the state alone
    assert not torch.equal(states[0], states[1])
    assert torch.equal(states[3], states[5])
    # starting mid-way from a carried state gives the same states as running from the start
    with torch.no_grad():
        resumed = states_along(m, seq, 5, states[1], 2)
    assert torch.allclose(resumed[5], states[5])


def test_bptt_window_reaches_the_initialiser_only_when_short() -> None:
    torch.manual_seed(0)
    lm = CodeLM(LM)
    for p in lm.parameters():
        p.requires_grad_(False)
    m = model()
    cfg = EvoTrainConfig(bptt=2, tasks_per_step=2, adapters_per_step=2)
    long_seq = sequence(8, [7], {0, 1, 2, 3, 4, 5, 6})
    window_loss(m, lm, long_seq, cfg, np.random.default_rng(0), 0, 4).backward()
    assert m.init[0].weight.grad is None or float(m.init[0].weight.grad.abs().sum()) == 0.0
    assert float(m.cell.x.weight.grad.abs().sum()) > 0
    m.zero_grad(set_to_none=True)
    short = sequence(3, [2], {0, 1})
    window_loss(m, lm, short, cfg, np.random.default_rng(0), 0, 4).backward()
    assert float(m.init[0].weight.grad.abs().sum()) > 0
    assert np.isfinite(validation_loss(m, lm, [long_seq, short], 0, 4))


def test_the_control_trains_only_the_shared_base_and_ignores_the_state() -> None:
    torch.manual_seed(0)
    lm = CodeLM(LM)
    for p in lm.parameters():
        p.requires_grad_(False)
    m = model()
    with torch.no_grad():  # a trained single LoRA as the base (an all-zero LoRA has no gradient)
        for p in m.heads.base.parameters():
            p.normal_(std=0.1)
    make_control(m)
    assert {n for n, p in m.named_parameters() if p.requires_grad} == {
        f"heads.base.{ab}.{t}" for ab in ("a", "b") for t in LORA_TARGETS}
    before = {n: p.detach().clone() for n, p in m.named_parameters()}
    seq = sequence(8, [7], {0, 1, 2, 3, 4, 5, 6})
    optimizer = torch.optim.SGD([p for p in m.parameters() if p.requires_grad], lr=0.1)
    window_loss(m, lm, seq, EvoTrainConfig(bptt=2, tasks_per_step=2, adapters_per_step=2),
                np.random.default_rng(0), 0, 4).backward()
    optimizer.step()
    changed = {n for n, p in m.named_parameters() if not torch.equal(p, before[n])}
    assert changed and all(n.startswith("heads.base.") for n in changed)
    # Whatever the state, the adapter is the (trained) shared base: a single shared LoRA.
    a, b = m.adapter(torch.randn(EVO.state)), m.adapter(torch.randn(EVO.state))
    for t in LORA_TARGETS:
        assert torch.equal(a[t][0], b[t][0]) and torch.equal(a[t][0], m.heads.base.a[t])


def test_the_update_gate_bias_and_the_heads_learning_rate_are_set_as_configured() -> None:
    torch.manual_seed(0)
    plain = EvoHypernet(E, LM, HEADS, EVO)
    torch.manual_seed(0)
    keeping = EvoHypernet(E, LM, HEADS, EvoConfig(state=8, init_hidden=16, step_input=12, update_gate_bias=2.0))
    u = slice(EVO.state, 2 * EVO.state)
    assert torch.allclose(keeping.cell.x.bias[u], plain.cell.x.bias[u] + 2.0)
    assert torch.equal(keeping.cell.x.bias[:EVO.state], plain.cell.x.bias[:EVO.state])
    groups = evo_optimizer(plain, EvoTrainConfig(heads_lr_scale=10.0)).param_groups
    head_ids = {id(p) for n, p in plain.named_parameters() if n.startswith("heads.") and not n.startswith("heads.base.")}
    scaled = [g for g in groups if g.get("lr_scale") == 10.0]
    assert {id(p) for g in scaled for p in g["params"]} == head_ids
    assert all("lr_scale" not in g for g in groups if g not in scaled)
    assert len(evo_optimizer(plain, EvoTrainConfig()).param_groups) == 2


def test_a_run_stopped_and_resumed_ends_where_an_unbroken_run_ends(tmp_path: Path) -> None:
    torch.manual_seed(0)
    lm = CodeLM(LM)
    for p in lm.parameters():
        p.requires_grad_(False)
    train = [sequence(8, [3, 7], {0, 1, 2, 5}), sequence(6, [2, 5], {0, 1, 3})]
    cfg = EvoTrainConfig(steps=12, bptt=2, tasks_per_step=2, adapters_per_step=2, warmup_steps=2, eval_every=4)

    def run(checkpoint: Path | None, stop_at: int | None = None) -> object:
        torch.manual_seed(3)
        m = model()
        if checkpoint is not None and checkpoint.exists():
            torch.manual_seed(99)  # a resumed run takes nothing from its own start
            m = model()
        return train_evo(m, lm, train, train[:1], cfg, 0, 4, checkpoint=checkpoint, save_every=2, stop_at=stop_at), m

    (whole, whole_model) = run(None)
    (first, _) = run(tmp_path / "last.pt", stop_at=5)
    assert not first.finished and first.steps == 5 and (tmp_path / "last.pt").exists()
    (second, resumed_model) = run(tmp_path / "last.pt")
    assert second.finished and second.steps == whole.steps == 12
    assert second.best_step == whole.best_step and abs(second.best_val_loss - whole.best_val_loss) < 1e-6
    for name, value in whole_model.state_dict().items():
        assert torch.allclose(resumed_model.state_dict()[name], value, atol=1e-6), name
    assert [h["step"] for h in second.history] == [h["step"] for h in whole.history]


def test_diff_text_from_the_stored_diff_equals_the_text_from_two_versions() -> None:
    rng = random.Random(3)
    for _ in range(300):
        old = [f"l{rng.randint(0, 20)}\n" for _ in range(rng.randint(0, 30))]
        new = list(old)
        for _ in range(rng.randint(0, 5)):
            if rng.random() < 0.5 and new:
                new[rng.randrange(len(new))] = f"x{rng.randint(0, 9)}\n"
            else:
                new.insert(rng.randint(0, len(new)), f"n{rng.randint(0, 9)}\n")
        o, n = "".join(old), "".join(new)
        if rng.random() < 0.3 and n:
            n = n.rstrip("\n")
        assert new_side_text(unified_diff("p.py", o, n)) == change_text("p.py", o, n)
    added = "import os\n\nX = 1\n"
    assert step_text("a.py", "add", unified_diff("a.py", "", added)) == added
    assert step_text("a.py", "delete", unified_diff("a.py", added, "")) == deleted_file_text("a.py")


def test_export_writes_three_graphs_with_the_contract(tmp_path: Path) -> None:
    m = model()
    m.eval()
    paths = export_evo(m, tmp_path)
    assert sorted(paths) == sorted(GRAPHS)
    step = onnx.load(str(paths["evo_step"]))
    assert [i.name for i in step.graph.input] == ["state", "embedding"]
    assert {n.op_type for n in step.graph.node}.isdisjoint({"GRU"})
    heads = onnx.load(str(paths["evo_heads"]))
    assert len(heads.graph.output) == 2 * len(LORA_TARGETS)
    ref = parity_reference(m)
    assert len(ref["states"]) == 4 and len(ref["states"][0]) == EVO.state


def test_release_diffs_apply_back_to_the_new_version() -> None:
    from models.data.bench import Step
    from .snapshots import apply_unified_diff, snapshots

    rng = random.Random(5)
    for _ in range(300):
        old = [f"l{rng.randint(0, 20)}\n" for _ in range(rng.randint(0, 30))]
        new = list(old)
        for _ in range(rng.randint(0, 6)):
            r = rng.random()
            if r < 0.4 and new:
                new[rng.randrange(len(new))] = f"x{rng.randint(0, 9)}\n"
            elif r < 0.7:
                new.insert(rng.randint(0, len(new)), f"-- {rng.randint(0, 9)}\n")
            elif new:
                del new[rng.randrange(len(new))]
        o, n = "".join(old), "".join(new)
        if rng.random() < 0.3 and n:
            n = n.rstrip("\n")
        if o != n:
            assert apply_unified_diff(o, unified_diff("p.py", o, n)) == n
    steps = [Step("c0", "a.py", "add", unified_diff("a.py", "", "x = 1\n"), []),
             Step("c1", "a.py", "modify", unified_diff("a.py", "x = 1\n", "x = 2\n"), []),
             Step("c2", "t.py", "tests", "", []),
             Step("c3", "b.py", "delete", unified_diff("b.py", "y\n", ""), [])]
    seen = [(i, dict(files)) for i, files in snapshots([("b.py", "y\n")], steps)]
    assert seen[0][1] == {"a.py": "x = 1\n", "b.py": "y\n"}
    assert seen[1][1]["a.py"] == "x = 2\n" and seen[2][1] == seen[1][1]
    assert seen[3][1] == {"a.py": "x = 2\n"}
