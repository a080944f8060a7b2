import { describe, expect, it, vi } from 'vitest';
import type { CompletionRequest } from '../../engine/completer/api.ts';

vi.mock('../services/completer.ts', () => ({
  completerService: () => ({
    complete: async (request: CompletionRequest, onText: (text: string) => void) => {
      onText('Met');
      // Like comlink: the streamed text has its own port, and its last message may come after the result.
      setTimeout(() => onText('Metre'), 0);
      return { text: 'Metre(1)', rawText: 'Metre(1)\n', promptTokens: 3, newTokens: 4, firstTokenMs: 1, totalMs: 2, method: request.method };
    },
  }),
}));
vi.mock('../services/git.ts', () => ({ gitService: () => ({}) }));
vi.mock('../services/tasks.ts', () => ({ tasksOfFiles: async () => [] }));

const { useAppStore } = await import('./index.ts');

describe('completing at the cursor', () => {
  it('ends done with the result even when a streamed update arrives after it', async () => {
    await useAppStore.getState().complete('assert unit == ', ['base']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const c = useAppStore.getState().completions.base;
    expect(c?.status).toBe('done');
    expect(c?.text).toBe('Metre(1)');
  });
});
