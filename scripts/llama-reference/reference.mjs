// Independent llama.cpp reference runner (via node-llama-cpp, prebuilt CPU binary).
//
// Purpose: produce reference tokenization, greedy continuations and next-token logits for a
// GGUF model, so that our own PyTorch GGUF implementation (models/) can be checked against
// llama.cpp. It is a separate npm package so that the main project's `npm ci` never pulls
// node-llama-cpp.
//
//   cd scripts/llama-reference && npm install   # not `npm ci`: this registry lacks the mac/win/riscv
//                                              # optional binaries, so npm ci calls the lock out of sync
//   node reference.mjs <model.gguf> <prompts.json> <out.json>
//
// prompts.json: {"max_new_tokens": 16, "top_k": 20, "lora": "adapter.gguf" (optional, scale 1),
//                "prompts": [{"id": "p0", "text": "def add(a, b):\n    return", "ids": [...]}]}
// out.json:     {"tool", "llama_cpp_build", "gguf_sha256", "settings",
//                "results": [{"id", "llama_ids", "greedy", "top_logits": [[id, logit], ...]}]}
//
// Per prompt:
//   llama_ids  - llama.cpp's tokenization of `text` (no BOS, special tokens not parsed).
//   greedy     - exactly `ids` evaluated in a fresh context (no BOS added, no state reuse), then
//                max_new_tokens steps of pure argmax over the raw logits (no penalties, no
//                sampling, no stop on EOS). llama.cpp's own greedy sampler choice is checked
//                against that argmax each step ("sampler_mismatch" lists any disagreement).
//   top_logits - top_k (token id, raw logit) pairs for the token after the prompt, highest first.
//
// Never builds llama.cpp from source and never downloads anything: build "never",
// skipDownload, CPU only (gpu: false), 1 thread.

process.env.NODE_LLAMA_CPP_SKIP_DOWNLOAD = "true";

import { createHash } from "node:crypto";
import { createReadStream, readFileSync, writeFileSync } from "node:fs";

const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");

/** @typedef {{id: string, text: string, ids: number[]}} Prompt */
/** @typedef {{max_new_tokens?: number, top_k?: number, lora?: string, prompts: Prompt[]}} PromptsFile */

/** @param {string} path @returns {Promise<string>} */
function sha256File(path) {
    return new Promise((resolve, reject) => {
        const h = createHash("sha256");
        createReadStream(path).on("data", (d) => h.update(d)).on("error", reject)
            .on("end", () => resolve(h.digest("hex")));
    });
}

/**
 * Argmax over a full logits map (ties -> lowest token id).
 * @param {Map<number, number>} logits
 */
function argmax(logits) {
    let best = -1, bestV = -Infinity;
    for (const [tok, v] of logits)
        if (v > bestV || (v === bestV && tok < best)) { best = tok; bestV = v; }
    return best;
}

const [ggufPath, promptsPath, outPath] = process.argv.slice(2);
if (!ggufPath || !promptsPath || !outPath) {
    console.error("usage: node reference.mjs <model.gguf> <prompts.json> <out.json>");
    process.exit(2);
}

/** @type {PromptsFile} */
const spec = JSON.parse(readFileSync(promptsPath, "utf8"));
const maxNew = spec.max_new_tokens ?? 16;
const topK = spec.top_k ?? 20;
const contextSize = Math.max(1024, ...spec.prompts.map((p) => p.ids.length + maxNew + 1));
const batchSize = Math.max(512, ...spec.prompts.map((p) => p.ids.length));
const kvType = process.env.REF_KV_TYPE ?? "F32"; // llama.cpp's default would be F16

const llama = await getLlama({
    gpu: false, build: "never", skipDownload: true, usePrebuiltBinaries: true,
    maxThreads: 1, logLevel: LlamaLogLevel.error,
});
const model = await llama.loadModel({ modelPath: ggufPath, gpuLayers: 0, useMmap: true });
const pkgVersion = JSON.parse(readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version;

const results = [];
for (const p of spec.prompts) {
    const llamaIds = model.tokenize(p.text, false);

    // Fresh context (and so a fresh KV cache / sequence) per prompt.
    const context = await model.createContext({
        contextSize, batchSize, threads: 1, sequences: 1, flashAttention: false,
        experimentalKvCacheKeyType: kvType, experimentalKvCacheValueType: kvType,
        ...(spec.lora ? { lora: { adapters: [{ filePath: spec.lora, scale: 1 }] } } : {}),
    });
    const seq = context.getSequence();
    // temperature 0 => llama.cpp greedy sampler only; no repeat penalty unless requested.
    const next = { token: true, logits: true, options: { temperature: 0 } };

    const greedy = [];
    const mismatch = [];
    /** @type {[number, number][]} */
    let topLogits = [];
    /** @type {import("node-llama-cpp").ControlledEvaluateInputItem[]} */
    let input = p.ids.map((t, i) => (i === p.ids.length - 1 ? [t, { generateNext: next }] : t));
    for (let step = 0; step < maxNew; step++) {
        const out = await seq.controlledEvaluate(input);
        const res = out[input.length - 1]?.next;
        if (res?.logits == null) throw new Error(`no logits for prompt ${p.id} step ${step}`);
        if (step === 0) topLogits = [...res.logits.entries()].slice(0, topK);
        const tok = argmax(res.logits);
        if (res.token !== tok) mismatch.push({ step, sampler: res.token, argmax: tok });
        greedy.push(tok);
        input = [[tok, { generateNext: next }]];
    }
    // Sanity: the sequence holds exactly the given ids + fed-back tokens (no BOS, no reuse).
    const expected = [...p.ids, ...greedy.slice(0, -1)];
    if (JSON.stringify(seq.contextTokens) !== JSON.stringify(expected))
        throw new Error(`unexpected context tokens for prompt ${p.id}`);
    await context.dispose();

    results.push({
        id: p.id, llama_ids: llamaIds, greedy, top_logits: topLogits,
        ...(mismatch.length ? { sampler_mismatch: mismatch } : {}),
    });
    console.error(`${p.id}: ${p.ids.length} ids -> ${JSON.stringify(model.detokenize(greedy))}`);
}

const rel = llama.llamaCppRelease;
// The bundled llama.cpp source bundle header names the exact commit ("<sha> HEAD").
let commit = "unknown";
try {
    const head = readFileSync(new URL("./node_modules/node-llama-cpp/llama/gitRelease.bundle", import.meta.url)).subarray(0, 256).toString("latin1");
    commit = /\n([0-9a-f]{40}) HEAD\n/.exec(head)?.[1] ?? commit;
} catch { /* no bundle */ }
writeFileSync(outPath, JSON.stringify({
    tool: `node-llama-cpp@${pkgVersion}`,
    llama_cpp_build: `${rel.repo}@${rel.release} commit ${commit} (${llama.buildType}, gpu=${llama.gpu})`,
    system_info: llama.systemInfo.trim(),
    gguf_sha256: await sha256File(ggufPath),
    ...(spec.lora ? { lora_sha256: await sha256File(spec.lora) } : {}),
    settings: { context_size: contextSize, batch_size: batchSize, threads: 1, kv_cache_type: kvType, flash_attention: false },
    results,
}, null, 1) + "\n");
await model.dispose();
await llama.dispose();
