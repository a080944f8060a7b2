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
    expect(settings.evoEncoder).toEqual(settings.encoder);
  });

  it('Evo reads the encoder settings it was trained with', () => {
    const settings = completerSettings({
      version: 1,
      files: {},
      config: {
        hypernet_static: { encoder: { repo_token_cap: 8192, chunk_tokens: 64 } },
        evo: { encoder: { repo_token_cap: 1024 } },
      },
    });
    expect(settings.encoder.repo_token_cap).toBe(8192);
    expect(settings.evoEncoder.repo_token_cap).toBe(1024);
    expect(settings.evoEncoder.chunk_tokens).toBe(64);
  });

  it("the memory and RAG prompts follow the manifest's scorer settings (the base's export writes them)", () => {
    const settings = completerSettings({
      version: 1,
      files: {},
      config: { memory: { k: 5, max_block_tokens: 200 }, rag: { k: 2 } },
    });
    // A manifest written before the retriever had options keeps the retriever it was measured with.
    expect(settings.memory).toEqual({ k: 5, max_block_tokens: 200, previous_line: false, distinct_targets: false });
    expect(settings.rag.k).toBe(2);
    const options = { k: 3, max_block_tokens: 160, previous_line: true, distinct_targets: 'yes' };
    expect(completerSettings({ version: 1, files: {}, config: { memory: options } }).memory).toEqual({
      k: 3,
      max_block_tokens: 160,
      previous_line: true,
      distinct_targets: false,
    });
    expect(settings.rag.window_lines).toBe(completerSettings({ version: 1, files: {} }).rag.window_lines);
  });
});
