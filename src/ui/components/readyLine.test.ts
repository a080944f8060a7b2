import { describe, expect, it } from 'vitest';
import { modelsOnlyReadyLine, readyLine, skippedLine } from './readyLine.ts';

describe('readyLine', () => {
  const encode = { files: 4, totalFiles: 4, tokens: 1024, totalTokens: 1024, cached: 0 };

  it('counts the planned files against all production files', () => {
    expect(readyLine(8, encode, 15.24, null)).toBe(
      'Code2LoRA-Static adapter ready: 4 of 8 production files encoded; the hypernetwork took 15.2 ms.',
    );
  });

  it('says where the wait went', () => {
    const line = readyLine(8, encode, 15.2, { modelsMs: 5200, readMs: 40, encodeMs: 2600, adaptMs: 180 });
    expect(line).toMatch(/Ready after 8\.0 s: loading models 5\.2 s, reading files 40 ms, encoding 2\.6 s, adapters 180 ms\.$/);
  });

  it('leaves out model loading when the models were already loaded, and names cached files', () => {
    const line = readyLine(8, { ...encode, cached: 4 }, 15.2, { modelsMs: null, readMs: 10, encodeMs: 5, adaptMs: 20 });
    expect(line).toContain('(4 from the cache)');
    expect(line).not.toContain('loading models');
  });
});

describe('skippedLine', () => {
  it('names the binary files left out', () => {
    expect(skippedLine(['pkg/latin1.py'])).toBe('Skipped 1 .py file with binary content: pkg/latin1.py.');
    expect(skippedLine(['a.py', 'b.py', 'c.py', 'd.py'])).toBe('Skipped 4 .py files with binary content: a.py, b.py, c.py, ….');
  });
  it('says nothing when nothing was skipped', () => {
    expect(skippedLine([])).toBeNull();
  });
});

describe('modelsOnlyReadyLine', () => {
  it('names the set and counts only loading and reading (nothing is encoded)', () => {
    const line = modelsOnlyReadyLine('SmolLM2', { modelsMs: 12_300, readMs: 40, encodeMs: 0, adaptMs: 0 });
    expect(line).toMatch(/^SmolLM2 ready: no adapter to make;/);
    expect(line).toMatch(/Ready after 12\.3 s: loading models 12\.3 s, reading files 40 ms\.$/);
    expect(line).not.toMatch(/encoding|adapters/);
  });
});
