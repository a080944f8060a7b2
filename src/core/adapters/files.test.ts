import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterFiles, type Provenance } from './files.ts';
import { permuteRows, type LlamaShape, type Matrix, type SharedLora } from './layout.ts';

interface Reference {
  shape: LlamaShape;
  provenance: Provenance;
  lora: Record<string, Record<'a' | 'b', { rows: number; cols: number; data: number[] }>>;
}

const root = new URL('../../../', import.meta.url).pathname;

function pythonReference(): { ref: Reference; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-files-'));
  execFileSync('/usr/bin/python3', [join(root, 'src/core/adapters/fixtures/python_reference.py'), dir], {
    stdio: 'pipe',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  return { ref: JSON.parse(readFileSync(join(dir, 'lora.json'), 'utf8')) as Reference, dir };
}

function matrix(m: { rows: number; cols: number; data: number[] }): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

describe('adapter files: the TypeScript writers against Python', () => {
  const { ref, dir } = pythonReference();
  const lora = Object.fromEntries(
    Object.entries(ref.lora).map(([t, p]) => [t, { a: matrix(p.a), b: matrix(p.b) }]),
  ) as SharedLora;
  const files = adapterFiles(lora, ref.shape, ref.provenance);

  it('writes the GGUF adapter byte for byte as the gguf package does', () => {
    const python = readFileSync(join(dir, 'adapter.gguf'));
    expect(files.gguf.length).toBe(python.length);
    expect(Buffer.from(files.gguf).equals(python)).toBe(true);
  });

  it('writes adapter_model.safetensors byte for byte as Python does, non-ASCII metadata included', () => {
    const python = readFileSync(join(dir, 'peft', 'adapter_model.safetensors'));
    expect(Buffer.from(files.safetensors).equals(python)).toBe(true);
  });

  it('writes the same adapter_config.json content', () => {
    expect(JSON.parse(files.adapterConfig)).toEqual(JSON.parse(readFileSync(join(dir, 'peft', 'adapter_config.json'), 'utf8')));
    expect(files.stem).toBe('octo-wid-gets-0123456789ab-static');
  });

  it('interleaves the halves of each head as llama.cpp does', () => {
    const rows = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = permuteRows({ rows: 16, cols: 1, data: rows }, 2);
    expect(Array.from(out.data)).toEqual([0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]);
    expect(() => permuteRows({ rows: 6, cols: 1, data: new Float32Array(6) }, 2)).toThrow(/even size/);
  });
});
