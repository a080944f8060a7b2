import { describe, expect, it } from 'vitest';
import { DEFAULT_ENCODER, DEFAULT_PROMPT, completerSettings } from './config.ts';

describe('completer settings', () => {
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
    expect(settings.prompt.length_quantum).toBe(DEFAULT_PROMPT.length_quantum);
  });
});
