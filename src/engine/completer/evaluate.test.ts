import { describe, expect, it } from 'vitest';
import type { CompletionRequest, CompletionResult } from './api.ts';
import type { Completer } from './completer.ts';
import { evaluateTasks, type EvalTask } from './evaluate.ts';

/** A completer that answers from a table, and records what it was asked. */
function fakeCompleter(answers: Record<string, string>, promptTokens: number) {
  const requests: CompletionRequest[] = [];
  const completer = {
    async adapterFromFiles() {
      return { id: 'static-1', norms: {}, cosineToPrevious: null, ms: 2.5 };
    },
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      requests.push(request);
      const text = answers[request.prefix] ?? '';
      return { text, rawText: `${text}\n`, promptTokens, newTokens: 1, firstTokenMs: 1, totalMs: 1, method: request.method };
    },
  };
  return { completer: completer as unknown as Completer, requests };
}

const tasks: EvalTask[] = [
  { id: 't1', prefix: 'assert a == ', target: 'abc', path: 'tests/test_a.py', line: 1 },
  { id: 't2', prefix: 'assert b == ', target: 'abcd', path: 'tests/test_a.py', line: 2 },
  { id: 't3', prefix: 'assert c == ', target: 'xyz', path: 'tests/test_b.py', line: 5 },
  { id: 't4', prefix: 'assert d == ', target: '(1, 2)', path: 'tests/test_b.py', line: 9 },
];

describe('evaluateTasks', () => {
  it('reports exact match and EditSim as the means over tasks, from fixed predictions', async () => {
    // Exact; difflib ratio 2*3/8 = 0.75; nothing in common (0); exact.
    const { completer } = fakeCompleter({ 'assert a == ': 'abc', 'assert b == ': 'abce', 'assert c == ': 'qqq', 'assert d == ': '(1, 2)' }, 40);
    const { scores, predictions } = await evaluateTasks(completer, [], tasks, ['base', 'static']);
    expect(scores.map((s) => s.method)).toEqual(['base', 'static']);
    const base = scores[0]!;
    expect(base.tasks).toBe(4);
    expect(base.exactMatch).toBe(50);
    expect(base.editSim).toBeCloseTo((100 * (1 + 0.75 + 0 + 1)) / 4, 10);
    expect(base.meanPromptTokens).toBe(40);
    expect(base.adapterMs).toBe(0);
    expect(scores[1]!.adapterMs).toBe(2.5);
    expect(predictions.base).toEqual({ t1: 'abc', t2: 'abce', t3: 'qqq', t4: '(1, 2)' });
  });

  it("gives 'static' its adapter and 'memory' the task's place and the whole pool", async () => {
    const { completer, requests } = fakeCompleter({}, 1);
    const pool: EvalTask[] = [...tasks, { id: 't5', prefix: 'assert e == ', target: '5', path: 'tests/test_c.py', line: 3 }];
    await evaluateTasks(completer, [], tasks.slice(0, 2), ['static', 'memory'], undefined, pool);
    expect(requests.filter((r) => r.method === 'static').every((r) => r.adapterId === 'static-1')).toBe(true);
    const memory = requests.filter((r) => r.method === 'memory');
    expect(memory.map((r) => r.memory?.query.id)).toEqual(['t1', 't2']);
    expect(memory[0]?.memory?.query).toMatchObject({ path: 'tests/test_a.py', line: 1, prefix: 'assert a == ' });
    expect(memory[0]?.memory?.pool.map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it("refuses 'memory' on a task without its place", async () => {
    const { completer } = fakeCompleter({}, 1);
    await expect(evaluateTasks(completer, [], [{ id: 'x', prefix: 'p', target: 't' }], ['memory'])).rejects.toThrow(/has no path and line/);
  });
});
