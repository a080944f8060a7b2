/**
 * Code2LoRA's adapter (one A, B pair per projection type, shared by every layer) written per layer under the names
 * llama.cpp and PEFT use for a llama model; the twin of models/export/adapters/layout.py.
 *
 * llama.cpp's converter permutes the rows of the query and key projections (its RoPE rotates adjacent pairs, ours
 * and Hugging Face's the two halves of a head), so the query and key B matrices are permuted the same way for GGUF.
 */

export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

/** A row-major float32 matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** A: [rank, d_in], B: [d_out, rank], per target. */
export type SharedLora = Record<LoraTarget, { a: Matrix; b: Matrix }>;

export interface LlamaShape {
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  loraAlpha: number;
}

export interface NamedTensor {
  name: string;
  matrix: Matrix;
}

const GGUF_TENSOR: Record<LoraTarget, string> = {
  q: 'attn_q', k: 'attn_k', v: 'attn_v', o: 'attn_output', gate: 'ffn_gate', up: 'ffn_up', down: 'ffn_down',
};
export const PEFT_MODULE: Record<LoraTarget, string> = {
  q: 'self_attn.q_proj', k: 'self_attn.k_proj', v: 'self_attn.v_proj', o: 'self_attn.o_proj',
  gate: 'mlp.gate_proj', up: 'mlp.up_proj', down: 'mlp.down_proj',
};
const PEFT_PREFIX = 'base_model.model.model.layers';

/** llama.cpp's `permute` of the rows of a query or key projection: within each head, the first and second halves
 * are interleaved (rows 0, h/2, 1, h/2 + 1, ...). */
export function permuteRows(m: Matrix, heads: number): Matrix {
  const headRows = m.rows / heads;
  const half = headRows / 2;
  if (!Number.isInteger(headRows) || !Number.isInteger(half)) {
    throw new Error(`${m.rows} rows do not split into ${heads} heads of an even size`);
  }
  const out = new Float32Array(m.data.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const from = h * headRows + j * half + i;
        const to = h * headRows + 2 * i + j;
        out.set(m.data.subarray(from * m.cols, (from + 1) * m.cols), to * m.cols);
      }
    }
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

export function ggufTensors(lora: SharedLora, shape: LlamaShape): NamedTensor[] {
  const headsOf: Partial<Record<LoraTarget, number>> = { q: shape.nHeads, k: shape.nKvHeads };
  const permuted = Object.fromEntries(
    LORA_TARGETS.map((t) => {
      const heads = headsOf[t];
      return [t, heads === undefined ? lora[t].b : permuteRows(lora[t].b, heads)];
    }),
  ) as Record<LoraTarget, Matrix>;
  const out: NamedTensor[] = [];
  for (let layer = 0; layer < shape.nLayers; layer++) {
    for (const t of LORA_TARGETS) {
      const name = `blk.${layer}.${GGUF_TENSOR[t]}.weight`;
      out.push({ name: `${name}.lora_a`, matrix: lora[t].a }, { name: `${name}.lora_b`, matrix: permuted[t] });
    }
  }
  return out;
}

export function peftTensors(lora: SharedLora, shape: LlamaShape): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (let layer = 0; layer < shape.nLayers; layer++) {
    for (const t of LORA_TARGETS) {
      const name = `${PEFT_PREFIX}.${layer}.${PEFT_MODULE[t]}`;
      out.push({ name: `${name}.lora_A.weight`, matrix: lora[t].a }, { name: `${name}.lora_B.weight`, matrix: lora[t].b });
    }
  }
  return out;
}
