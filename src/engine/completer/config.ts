/**
 * The completer's settings: the encoder and prompt settings the hypernetwork was trained with (the manifest's
 * config.hypernet_static, written by models/static/export_onnx.py), else models/configs/static.json's values; Evo's
 * encoder settings from config.evo (models/evo/export_onnx.py), which may differ from Static's (each graph was trained
 * on embeddings made its own way);
 * RAG and decoding settings from models/configs/static_eval.json. The Python configs are imported, not copied,
 * so the two sides cannot drift apart.
 */
import staticConfig from '../../../models/configs/static.json';
import staticEvalConfig from '../../../models/configs/static_eval.json';
import type { Manifest } from '../types.ts';

export interface EncoderSettings {
  chunk_tokens: number;
  repo_token_cap: number;
  max_chunks_per_file: number;
  tau: number;
  tiny_file_tokens: number;
  batch_chunks: number;
}

export interface PromptSettings {
  prompt_budget: number;
  /** Prompts are cut to a multiple of this length (prompts.ts quantizedCut); 1 = no cut. */
  length_quantum: number;
}

export interface RagSettings {
  k: number;
  window_lines: number;
  chunk_tokens: number;
  max_share_of_budget: number;
}

/**
 * The memory prompt: how many assertions it recalls, the most tokens their block may take, and the retriever's
 * options (models.static.config.MemoryConfig: the line above the cut in the similarity, k distinct targets).
 */
export interface MemorySettings {
  k: number;
  max_block_tokens: number;
  previous_line: boolean;
  distinct_targets: boolean;
}

export interface CompleterSettings {
  /** What Code2LoRA-Static's repository embedding reads (and RAG's windows are cut from). */
  encoder: EncoderSettings;
  /** What Code2LoRA-Evo's snapshot and diff embeddings read: its own trained settings, else Static's. */
  evoEncoder: EncoderSettings;
  prompt: PromptSettings;
  rag: RagSettings;
  memory: MemorySettings;
  maxNewTokens: number;
  loraRank: number;
}

const statics = staticConfig as { encoder: EncoderSettings; prompt: PromptSettings };
const evaluation = staticEvalConfig as {
  rag: RagSettings;
  memory: Pick<MemorySettings, 'k' | 'max_block_tokens'>;
  max_new_tokens: number;
};

export const DEFAULT_ENCODER: EncoderSettings = statics.encoder;
export const DEFAULT_PROMPT: PromptSettings = statics.prompt;
export const DEFAULT_RAG: RagSettings = evaluation.rag;
export const DEFAULT_MEMORY: MemorySettings = { previous_line: false, distinct_targets: false, ...evaluation.memory };
export const DEFAULT_MAX_NEW_TOKENS: number = evaluation.max_new_tokens;

/** A manifest section (or any value) as a record; anything else reads as empty. */
export function section(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Numbers of `defaults` overridden by the same keys of `values` when they are numbers. */
function numbers<T extends object>(defaults: T, values: Record<string, unknown>): T {
  const out = { ...defaults } as Record<string, number>;
  for (const key of Object.keys(out)) if (typeof values[key] === 'number') out[key] = values[key] as number;
  return out as T;
}

/** Booleans of `defaults` overridden by the same keys of `values` when they are booleans. */
function flags<T extends object>(defaults: T, values: Record<string, unknown>): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    if (typeof out[key] === 'boolean' && typeof values[key] === 'boolean') out[key] = values[key];
  }
  return out as T;
}

export function completerSettings(manifest: Manifest): CompleterSettings {
  const config = section(manifest.config);
  const lm = section(config.lm);
  const hypernet = section(config.hypernet_static);
  const rank = section(hypernet.hypernet).rank ?? lm.lora_rank;
  const encoder = numbers(DEFAULT_ENCODER, section(hypernet.encoder));
  return {
    encoder,
    evoEncoder: numbers(encoder, section(section(config.evo).encoder)),
    prompt: numbers(DEFAULT_PROMPT, section(hypernet.prompt)),
    rag: numbers(DEFAULT_RAG, section(config.rag)),
    memory: flags(numbers(DEFAULT_MEMORY, section(config.memory)), section(config.memory)),
    maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
    loraRank: typeof rank === 'number' ? rank : 8,
  };
}
