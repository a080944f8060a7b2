"""RESULTS.md (our table in the paper's layout, the paper's numbers beside it, costs, runs) and results.json."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

NOTES = Path(__file__).resolve().parent / "NOTES.md"   # hand-written account of every run, appended verbatim

LABELS = {"memory": "Repository memory (non-neural floor)",
          "memory_earlier_only": "Repository memory, earlier assertions only", "pretrained": "Pretrained (no adapter)",
          "rag": "RAG k=3", "single": "Single shared LoRA", "per_repo": "Per-repository LoRA",
          "static": "**Code2LoRA-Static**", "evo": "**Code2LoRA-Evo**",
          "evo_control": "Evo's control: the single LoRA trained on for Evo's steps and data",
          "static_control": "Static's control: the single LoRA trained on for Static's steps and data",
          "static_base_l10": "Code2LoRA-Static, the base's lower 10 blocks as its encoder (chosen on CR val)",
          "tests_memory": "Base + the repository's tests in the prompt (leave-one-out)",
          "tests_memory_earlier_only": "Base + the repository's tests in the prompt (earlier-only)",
          "single_memory": "LoRA trained on the tests-in-the-prompt format (leave-one-out)",
          "single_memory_earlier_only": "LoRA trained on the tests-in-the-prompt format (earlier-only)",
          "static_memory": "Code2LoRA-Static trained on the tests-in-the-prompt format (leave-one-out)",
          "static_memory_earlier_only": "Code2LoRA-Static trained on the tests-in-the-prompt format (earlier-only)"}
ORDER = ("memory", "memory_earlier_only", "pretrained", "rag", "tests_memory", "tests_memory_earlier_only", "single",
         "single_memory", "single_memory_earlier_only", "static_memory", "static_memory_earlier_only", "per_repo",
         "static_control", "static_base_l10", "static")
# Code2LoRA paper, static track, exact match % (CR, IR); None = not reported.
PAPER = {"pretrained": (45.7, 46.8), "rag": (39.7, 42.1), "single": (47.4, 50.4), "per_repo": (None, 64.0),
         "static": (63.8, 66.2)}


SPLITS = ("cr_test", "ir_test")


def pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}"


def cell(summary: dict[str, Any] | None, measure: str = "exact_match") -> str:
    if summary is None:
        return "-"
    m = summary[measure]
    return f"{pct(m['mean'])} [{pct(m['low'])}, {pct(m['high'])}]"


def paper(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def system_rows(results: dict[str, Any], measure: str) -> list[str]:
    splits = results["splits"]
    rows = ["| System | CR test | IR test | paper CR | paper IR |", "|---|---|---|---|---|"]
    for name in ORDER:
        cr = splits.get("cr_test", {}).get("systems", {}).get(name)
        ir = splits.get("ir_test", {}).get("systems", {}).get(name)
        if cr is None and ir is None:
            continue
        cr_paper, ir_paper = PAPER.get(name, (None, None)) if measure == "exact_match" else (None, None)
        rows.append(f"| {LABELS[name]} | {cell(cr, measure)} | {cell(ir, measure)} | {paper(cr_paper)} | "
                    f"{paper(ir_paper)} |")
    return rows


def reference_of(split: dict[str, Any]) -> str:
    """The system each paired comparison of a split is against (summarize_split's `reference`)."""
    keys = [k for k in split if k.startswith("paired_vs_")]
    return keys[0][len("paired_vs_"):] if keys else "static"


def paired_rows(split: dict[str, Any]) -> list[str]:
    ref = reference_of(split)
    label = LABELS.get(ref, ref).strip("*")
    rows = [f"| {label} minus | EM difference (points) [95% CI] | one-sided p ({label} not better) | "
            "strict EM difference [95% CI] | p | EditSim difference [95% CI] |", "|---|---|---|---|---|---|"]
    for name in ORDER:
        comp = split.get(f"paired_vs_{ref}", {}).get(name)
        if comp is None:
            continue
        em, es = comp["exact_match"], comp["edit_sim"]
        st = comp.get("strict_exact_match")
        strict = "- | -" if st is None else \
            f"{pct(st['difference'])} [{pct(st['low'])}, {pct(st['high'])}] | {st['p_value']:.4f}"
        rows.append(f"| {LABELS[name]} | {pct(em['difference'])} [{pct(em['low'])}, {pct(em['high'])}] | "
                    f"{em['p_value']:.4f} | {strict} | {pct(es['difference'])} [{pct(es['low'])}, {pct(es['high'])}] |")
    return rows


def versus_rows(split: dict[str, Any], heading: str = "system minus the floor it is paired with") -> list[str]:
    rows = [f"| {heading} | EM points [95% CI] | one-sided p | strict EM points | p |",
            "|---|---|---|---|---|"]
    for name, comp in [*split.get("memory_vs_floor", {}).items(), *split.get("memory_adapter_vs_prompt", {}).items()]:
        em, st = comp["exact_match"], comp["strict_exact_match"]
        rows.append(f"| {LABELS[name]} minus {LABELS[comp['against']]} | {pct(em['difference'])} [{pct(em['low'])}, "
                    f"{pct(em['high'])}] | {em['p_value']:.4f} | {pct(st['difference'])} | {st['p_value']:.4f} |")
    return rows


def comparison_lines(comparisons: dict[str, Any]) -> list[str]:
    """The primary comparison fixed in advance, then every other paired test with its Holm-adjusted p."""
    d = comparisons["primary_definition"]
    primary = comparisons.get("primary")
    lines = ["## Primary comparison and the corrected family", "",
             f"Fixed in advance: {LABELS.get(d['system'], d['system']).strip('*')} minus "
             f"{LABELS.get(d['against'], d['against'])}, {d['split'].replace('_', ' ').upper()}, "
             f"{d['measure'].replace('_', ' ')}, one-sided at {comparisons['alpha']}."]
    if primary:
        lines.append(f"Result: {pct(primary['difference'])} points [{pct(primary['low'])}, {pct(primary['high'])}], "
                     f"p {primary['p_value']:.4f}: {'met' if primary['significant'] else 'not met'}.")
    else:
        lines.append("Not scored in this run (both systems are needed).")
    lines += ["", "Every other paired comparison, Holm-adjusted over the "
              f"{len(comparisons['holm'])} of them:", "",
              "| split | system minus | measure | difference (points) [95% CI] | p | p (Holm) | significant |",
              "|---|---|---|---|---|---|---|"]
    for r in comparisons["holm"]:
        lines.append(f"| {r['split'].replace('_', ' ').upper()} | {LABELS.get(r['system'], r['system']).strip('*')} "
                     f"minus {LABELS.get(r['against'], r['against'])} | {r['measure'].replace('_', ' ')} | "
                     f"{pct(r['difference'])} [{pct(r['low'])}, {pct(r['high'])}] | {r['p_value']:.4f} | "
                     f"{r['p_holm']:.4f} | {'yes' if r['significant'] else 'no'} |")
    return lines + [""]


def lenient_rows(split: dict[str, Any]) -> list[str]:
    """How many exact matches of each system exist only under the paper's lenient trimming, and by which rule."""
    rows = ["| System | EM % | strict EM % | lenient-only hits | need the comma cut | need the first word | "
            "either rule |", "|---|---|---|---|---|---|---|"]
    for name in ORDER + ("evo",):
        s = split["systems"].get(name)
        if s is None or "lenient_only_hits" not in s:
            continue
        h = s["lenient_only_hits"]
        rows.append(f"| {LABELS[name]} | {pct(s['exact_match']['mean'])} | {pct(s['strict_exact_match']['mean'])} | "
                    f"{h['total']} | {h['comma']} | {h['first_word']} | {h['either']} |")
    return rows


def kind_rows(split: dict[str, Any]) -> list[str]:
    systems = [n for n in ORDER if n in split["systems"]]
    kinds = sorted(next(iter(split["systems"].values()))["by_kind"])
    rows = ["| kind | tasks | " + " | ".join(LABELS[n].strip("*") for n in systems) + " |",
            "|---|---|" + "---|" * len(systems)]
    for kind in kinds:
        count = split["systems"][systems[0]]["by_kind"][kind]["tasks"]
        values = " | ".join(pct(split["systems"][n]["by_kind"][kind]["exact_match"]) for n in systems)
        rows.append(f"| {kind} | {count} | {values} |")
    return rows


def cost_rows(results: dict[str, Any]) -> list[str]:
    c = results["costs"]
    adapter_kb = c["adapter_bytes_fp32"] / 1024
    encode = c["median_encode_seconds_per_repo"]
    rows = ["| System | extra prompt tokens (mean) | adaptation time per repository (median, here) | storage |",
            "|---|---|---|---|"]
    adapt = c["median_adapter_seconds_per_repo"]
    extra = c["extra_prompt_tokens"]
    models = c["model_bytes_fp32"]
    rows.append(f"| {LABELS['pretrained']} | 0 | 0 | - |")
    if "rag" in extra:
        rows.append(f"| {LABELS['rag']} | {extra['rag']:.0f} | index build + retrieval, per task | - |")
    if "single" in models:
        rows.append(f"| {LABELS['single']} | 0 | 0 (one adapter for all) | {adapter_kb:.0f} KB |")
    if "per_repo" in adapt:
        rows.append(f"| {LABELS['per_repo']} | 0 | {adapt['per_repo']:.1f} s of training | "
                    f"{adapter_kb:.0f} KB per repository |")
    if "static" in models:
        rows.append(f"| {LABELS['static']} | 0 | {encode:.2f} s encoding (cached file vectors count as computed) "
                    f"+ {1000 * adapt.get('static', 0.0):.1f} ms hypernetwork | "
                    f"{models['static'] / 2**20:.1f} MB hypernetwork, {adapter_kb:.0f} KB per adapter (not stored) |")
    return rows


def run_rows(results: dict[str, Any]) -> list[str]:
    rows = ["| run | steps | best step | best CR val loss | minutes | train tasks / repositories | finished |",
            "|---|---|---|---|---|---|---|"]
    for name, r in results.get("runs", {}).items():
        rows.append(f"| {name} | {r['steps']} | {r['best_step']} | {r['best_val_loss']:.4f} | "
                    f"{r['seconds'] / 60:.1f} | {r['train_tasks']} / {r['train_repos']} | {r['finished']} |")
    return rows


# Code2LoRA paper, evolution track (Table 3), exact match % (CR, IR).
PAPER_EVOLUTION = {"pretrained": (31.5, 29.3), "single": (55.1, 61.3), "per_repo": (None, 64.2),
                   "static": (55.7, 60.6), "evo": (60.3, 64.5)}
EVOLUTION_ORDER = ("memory", "memory_earlier_only", "pretrained", "single", "evo_control", "static_control", "static",
                   "evo")
EVOLUTION_SPLITS = (("cr_test", "CR test (replay)"), ("ir_test", "IR test, all"), ("ir_test_replay", "IR test, replay"),
                    ("ir_test_release", "IR test, release chains"))


def caps(config: dict[str, Any], with_ir: bool = True) -> str:
    """The evolution scorer's sample, from the config it ran with (IR test's part where IR test was scored)."""
    if "cr_test_tasks_per_sequence" not in config:
        return "models/configs/evo_eval.json"
    cr = f"at most {config['cr_test_tasks_per_sequence']} CR test tasks a sequence"
    if not with_ir:
        return cr
    return (f"{cr}; IR test {config['ir_test_tasks_per_sequence']} a sequence of {config['ir_test_replay_sequences']} "
            "replayed sequences and every release chain")


BENCH_EVOLUTION_INTRO = (
    "Written by `/usr/bin/python3 -m models.eval.evo_eval`. Each task is scored with the adapter that has consumed "
    "its step's diff; Static reads the snapshot of the production files at that step. Sequences: CR test = held-out "
    "repositories replayed as growth (no release chain is held out); IR test = the later tasks of training "
    "repositories, replayed and real Debian release chains.")


def evolution_lines(evolution: dict[str, Any], intro: str = BENCH_EVOLUTION_INTRO,
                    split_labels: tuple[tuple[str, str], ...] = EVOLUTION_SPLITS,
                    heading: str = "## Evolution track, exact match (%)") -> list[str]:
    """The evolution section; `intro` and `split_labels` say which sequences it was scored on."""
    splits = evolution["splits"]
    present = [(k, label) for k, label in split_labels if k in splits]
    sample = caps(evolution.get("config", {}), any(k.startswith("ir_test") for k in splits))
    head = "| System | " + " | ".join(f"{label} ({splits[k]['tasks']} tasks)" for k, label in present)
    lines = [heading, "",
             f"{intro} Seeded per-sequence caps ({sample}).", "",
             head + " | paper CR | paper IR |", "|---|" + "---|" * (len(present) + 2)]
    # Systems scored on none of the splits (a control not trained yet) get no row.
    scored = [n for n in EVOLUTION_ORDER if any(n in splits[k]["systems"] for k, _ in present)]
    for name in scored:
        cells = [cell(splits[k]["systems"].get(name)) for k, _ in present]
        cr, ir = PAPER_EVOLUTION.get(name, (None, None))
        lines.append(f"| {LABELS[name]} | " + " | ".join(cells) + f" | {paper(cr)} | {paper(ir)} |")
    lines += ["", "EditSim (%):", "", head + " |", "|---|" + "---|" * len(present)]
    for name in scored:
        lines.append(f"| {LABELS[name]} | " + " | ".join(cell(splits[k]["systems"].get(name), "edit_sim")
                                                        for k, _ in present) + " |")
    for k, label in present:
        lines += ["", f"Paired bootstrap, {label}: Evo minus each system", "",
                  "| Evo minus | EM difference (points) [95% CI] | one-sided p (Evo not better) |", "|---|---|---|"]
        for name in EVOLUTION_ORDER:
            comp = splits[k].get("paired_vs_evo", {}).get(name)
            if comp:
                em = comp["exact_match"]
                lines.append(f"| {LABELS[name]} | {pct(em['difference'])} [{pct(em['low'])}, {pct(em['high'])}] | "
                             f"{em['p_value']:.4f} |")
    for k, label in present:
        controls = splits[k].get("adapter_vs_control", {})
        if controls:
            lines += ["", f"Paired bootstrap, {label}: each Code2LoRA mode minus its control (what the repository-"
                      "specific part adds over the same extra training)", "",
                      "| comparison | EM difference (points) [95% CI] | one-sided p |", "|---|---|---|"]
            for name, comp in controls.items():
                em = comp["exact_match"]
                lines.append(f"| {LABELS[name]} minus {LABELS[comp['against']]} | {pct(em['difference'])} "
                             f"[{pct(em['low'])}, {pct(em['high'])}] | {em['p_value']:.4f} |")
    run = evolution.get("run") or {}
    costs = evolution.get("costs", {})
    if run:
        lines += ["", f"Evo run: {run.get('steps')} steps in {float(run.get('seconds') or 0) / 60:.1f} minutes on "
                  f"{run.get('train_sequences')} training sequences; best CR val loss {float(run.get('best_val_loss') or 0):.4f} "
                  f"at step {run.get('best_step')}. One Evo state update: {1000 * costs.get('evo', 0.0):.2f} ms (median, "
                  "PyTorch CPU)" + (f"; Static at a step: {1000 * costs.get('encode', 0.0):.0f} ms encoding (cached file "
                                    f"vectors count) + {1000 * costs.get('static', 0.0):.1f} ms hypernetwork."
                                    if "static" in scored else ".")]
    return lines + [""]


def render(results: dict[str, Any], notes: Path = NOTES) -> str:
    splits = results["splits"]
    lines = ["# Results: Code2LoRA-Static and baselines on RepoPeftBench-Deb", "",
             "Written by `/usr/bin/python3 -m models.eval.static_eval` (models/eval/report.py); do not edit by hand.",
             f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; LM checkpoint id `{results['lm_id']}`; "
             f"{results['seconds'] / 60:.1f} minutes.", "",
             "Tasks scored: " + ", ".join(f"{split.replace('_', ' ').upper()} {splits[split]['tasks']} "
                                          f"({splits[split]['repositories']} repositories)"
                                          for split in SPLITS if split in splits) +
             "; seeded per-repository caps (the eval config). Greedy decoding, at most 64 new tokens, stop at a "
             "newline or where the expression ends (a call open at the cursor closed, a runaway repetition: "
             "models/static/expression_end.py, as in the browser); float32 decoding on CPU (as in the browser). "
             "Intervals: 95% bootstrap over repositories.", "",
             "## Static track, exact match (%)", "", *system_rows(results, "exact_match"), "",
             "## Static track, EditSim (%) (the paper reports exact match only)", "",
             *system_rows(results, "edit_sim"), ""]
    present = [split for split in SPLITS if split in splits]
    for split in present:
        ref = LABELS.get(reference_of(splits[split]), "").strip("*")
        lines += [f"## Paired bootstrap on {split.replace('_', ' ').upper()}: {ref} minus each system", "",
                  *paired_rows(splits[split]), ""]
    for split in present:
        if splits[split].get("memory_vs_floor"):
            lines += [f"## The repository's tests in the prompt against the floor, {split.replace('_', ' ').upper()}", "",
                      *versus_rows(splits[split]), ""]
    for split in present:
        if splits[split].get("adapter_vs_control"):
            lines += [f"## Each Code2LoRA-Static minus its control, {split.replace('_', ' ').upper()}", "",
                      "The control is the single LoRA trained on for Static's steps and data: what the "
                      "repository-specific part adds over the same extra training.", "",
                      *versus_rows({"memory_vs_floor": splits[split]["adapter_vs_control"]},
                                         "system minus its control"), ""]
    if results.get("comparisons"):
        lines += comparison_lines(results["comparisons"])
    for split in present:
        lines += [f"## Lenient and strict exact match, {split.replace('_', ' ').upper()}", "",
                  "The paper's exact match trims the prediction (first word for a one-word reference, cut at a comma "
                  "when the reference has none); the strict one does not. Hits that exist only under the lenient "
                  "trimming, by the rule they need:", "", *lenient_rows(splits[split]), ""]
    for split in present:
        lines += [f"## Exact match (%) by assertion kind, {split.replace('_', ' ').upper()}", "",
                  *kind_rows(splits[split]), ""]
    sample = splits.get("ir_test_per_repo_sample")
    if sample:
        lines += ["## Per-repository LoRA (IR test, seeded sample of repositories)", "",
                  f"{sample['tasks']} IR test tasks from {sample['repositories']} repositories; each gets its own "
                  f"LoRA trained on its own train tasks{per_repo_recipe(results)}. Exact match (%) and EditSim (%):", "",
                  "| System | exact match | EditSim |", "|---|---|---|"]
        for name in ORDER:
            s = sample["systems"].get(name)
            if s:
                lines.append(f"| {LABELS[name]} | {cell(s)} | {cell(s, 'edit_sim')} |")
        lines += ["", *paired_rows(sample), ""]
    lines += ["## Cost", "", *cost_rows(results), "", "## Training runs scored here", "", *run_rows(results), ""]
    if results.get("evolution"):
        lines += evolution_lines(results["evolution"])
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    return "\n".join(lines)


def per_repo_recipe(results: dict[str, Any]) -> str:
    """How the per-repository LoRAs were trained, from the config the scorer ran with."""
    cfg = results.get("config", {}).get("eval", {}).get("per_repo_lora", {})
    if not cfg:
        return ""
    start = "from the single shared LoRA" if cfg.get("init") == "single" else "from a fresh adapter"
    return (f" ({cfg['steps']} steps of {cfg['tasks_per_step']} tasks at lr {cfg['lr']:g}, {start}, the best of its "
            f"validation loss on its own IR val tasks every {cfg.get('eval_every', 0)} steps)")


def read_results(json_path: Path) -> dict[str, Any]:
    """A results file as write_report wrote it (gzipped where its name ends in .gz)."""
    data = json_path.read_bytes()
    return json.loads(gzip.decompress(data) if json_path.suffix == ".gz" else data)  # type: ignore[no-any-return]


def write_report(results: dict[str, Any], md_path: Path, json_path: Path, notes: Path = NOTES) -> None:
    """A side table's results can go to a `.json.gz` (the repository's size budget); the main one stays plain."""
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    if json_path.suffix == ".gz":
        json_path.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    else:
        json_path.write_text(text)
    md_path.write_text(render(results, notes))
    print(f"wrote {md_path} and {json_path}", flush=True)
