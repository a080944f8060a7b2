import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENCODER, DEFAULT_MAX_NEW_TOKENS, DEFAULT_PROMPT, DEFAULT_RAG, completerSettings } from './config.ts';

const configs = new URL('../../../models/configs/', import.meta.url);
const read = (name: string): Record<string, Record<string, unknown> & unknown> =>
  JSON.parse(readFileSync(new URL(name, configs), 'utf8')) as Record<string, Record<string, unknown>>;

describe('completer settings', () => {
  it('defaults equal the Python configs', () => {
    const statics = read('static.json');
    const evaluation = read('static_eval.json');
    expect(DEFAULT_ENCODER).toEqual(statics.encoder);
    expect(DEFAULT_PROMPT.prompt_budget).toBe(statics.prompt?.prompt_budget);
    expect(DEFAULT_PROMPT.length_quantum).toBe(statics.prompt?.length_quantum);
    expect(DEFAULT_RAG).toEqual(evaluation.rag);
    expect(DEFAULT_MAX_NEW_TOKENS).toBe(evaluation.max_new_tokens);
  });

  it('the manifest overrides the encoder and prompt settings', () => {
    const settings = completerSettings({
      version: 1,
      files: {},
      config: { hypernet_static: { encoder: { chunk_tokens: 64 }, prompt: { prompt_budget: 100 }, hypernet: { rank: 4 } } },
    });
    expect(settings.encoder.chunk_tokens).toBe(64);
    expect(settings.encoder.tau).toBe(DEFAULT_ENCODER.tau);
    expect(settings.prompt.prompt_budget).toBe(100);
    expect(settings.loraRank).toBe(4);
  });
});
