import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memoryBlock, memoryPrompt } from './prompt.ts';
import { MemoryIndex, topK, type MemoryTask } from './retriever.ts';

interface GoldenCase {
  repo: string;
  tasks: { path: string; line: number; column: number; prefix: string; target: string }[];
}
interface GoldenRanking {
  query: string;
  earlier_only: boolean;
  previous_line: boolean;
  distinct_targets: boolean;
  ids: string[];
  scores: number[];
  block: string;
}

const root = new URL('../../../', import.meta.url);
const golden = JSON.parse(
  gunzipSync(readFileSync(new URL('models/memory/golden/rankings.json.gz', root))).toString('utf8'),
) as {
  k: number;
  rankings: GoldenRanking[];
};
const pools = new Map<string, MemoryTask[]>();
for (const line of readFileSync(new URL('src/core/tasks/golden/golden_cases.jsonl', root), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line) as GoldenCase;
  const pool = pools.get(c.repo) ?? [];
  for (const t of c.tasks) pool.push({ id: `${c.repo}:${t.path}:${t.line}:${t.column}`, ...t });
  pools.set(c.repo, pool);
}
const byId = new Map([...pools.values()].flat().map((t) => [t.id, t]));

describe('repository memory: the TypeScript retriever against Python', () => {
  it('ranks every golden query as Python does, in both settings, and writes the same block', () => {
    const mismatched: string[] = [];
    for (const g of golden.rankings) {
      const query = byId.get(g.query);
      if (!query) throw new Error(`golden query ${g.query} is not in the golden cases`);
      const pool = pools.get(g.query.split(':')[0] ?? '') ?? [];
      const options = { previousLine: g.previous_line, distinctTargets: g.distinct_targets };
      const found = topK(query, pool, golden.k, g.earlier_only, options);
      const same =
        JSON.stringify(found.map((r) => r.id)) === JSON.stringify(g.ids) &&
        found.every((r, i) => Math.abs(r.score - (g.scores[i] ?? -1)) < 1e-9) &&
        memoryBlock(found) === g.block;
      if (!same) mismatched.push(`${g.query} earlier_only=${g.earlier_only} options=${JSON.stringify(options)}`);
    }
    expect(golden.rankings.length).toBeGreaterThan(1000);
    expect(golden.rankings.filter((g) => g.previous_line && g.distinct_targets).length).toBe(golden.rankings.length / 2);
    expect(mismatched).toEqual([]);
  });

  it('keeps the whole prefix budget under the block and cuts the block from its start', () => {
    const prefix = Array.from({ length: 40 }, (_, i) => 100 + i);
    expect(memoryPrompt(prefix, [1, 2, 3, 4, 5], 32, 3, 0)).toEqual([0, 3, 4, 5, ...prefix.slice(8)]);
    expect(memoryPrompt([7, 8], [1, 2], 32, 3, 0)).toEqual([0, 1, 2, 7, 8]);
  });
});

describe('MemoryIndex', () => {
  it('answers many queries over one pool exactly as topK does each time', () => {
    for (const pool of pools.values()) {
      const index = new MemoryIndex(pool);
      for (const query of pool.slice(0, 20)) {
        for (const earlierOnly of [false, true]) {
          expect(index.top(query, 3, earlierOnly)).toEqual(topK(query, pool, 3, earlierOnly));
        }
      }
    }
  });
});
