/**
 * Test support for the external-data goldens (models/export/golden): blocks and the bytes Python writes from them
 * in one format, and a one-graph manifest that carries such an `external` section.
 */
import { readFileSync } from 'node:fs';

export interface ExternalGolden {
  blocks_base64: string;
  bytes: number;
  format: string;
  tensors: Record<string, unknown>[];
  data_base64: string;
}

/** The `key` case of models/export/golden/<file>. */
export function readExternalGolden(file: string, key: string): ExternalGolden {
  const all = JSON.parse(readFileSync(new URL(`../../models/export/golden/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    ExternalGolden
  >;
  const golden = all[key];
  if (!golden) throw new Error(`models/export/golden/${file} has no ${key} case`);
  return golden;
}

/** Manifest text with graph `name` (its weights made from the blocks file lm_blocks as `external` says). */
export function manifestWithExternal(name: string, external: Record<string, unknown>): string {
  return JSON.stringify({
    version: 1,
    files: {
      [name]: { path: `${name}.onnx`, sha256: '0'.repeat(64), bytes: 1, external },
      lm_blocks: { path: 'lm.blocks', sha256: '1'.repeat(64), bytes: 1 },
    },
  });
}
