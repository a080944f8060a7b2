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

describe("the 'memory' request", () => {
  const task = (line: number, target: string) => ({
    path: 'tests/test_units.py', line, column: 20, kind: 'assert' as const, prefix: `def test_x():\n    assert metre(${line}) == `, target, function: 'test_x', statement: `assert metre(${line}) == ${target}`,
  });

  it("carries the repository's assertions, and the picked one cannot recall its own answer", async () => {
    const picked = task(12, 'Metre(12)');
    useAppStore.setState({ tasks: [task(10, 'Metre(10)'), picked, task(14, 'Metre(14)')], activeTask: picked });
    const request = useAppStore.getState().requestFor('memory', picked.prefix, undefined, picked);
    expect(request.memory?.pool.map((t) => t.target)).toEqual(['Metre(10)', 'Metre(12)', 'Metre(14)']);
    expect(request.memory?.query.id).toBe('tests/test_units.py:12:20');
    const { topK } = await import('../../core/memory/index.ts');
    const recalled = topK(request.memory!.query, request.memory!.pool, 3).map((r) => r.target);
    expect(recalled).not.toContain('Metre(12)');
    expect(recalled).toHaveLength(2);
  });

  it('other methods carry no pool', () => {
    const request = useAppStore.getState().requestFor('base', 'x = ', undefined, null);
    expect(request.memory).toBeUndefined();
    expect(request).toEqual({ prefix: 'x = ', method: 'base' });
  });
});
