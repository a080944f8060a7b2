/**
 * The safetensors container of float32 tensors (an 8-byte little-endian header length, a JSON header padded with
 * spaces to 8 bytes, the raw data), laid out as models/export/adapters/safetensors_file.py writes it: tensors in
 * name order, compact JSON with non-ASCII characters escaped.
 */
import { ByteWriter } from './bytes.ts';
import type { NamedTensor } from './layout.ts';

const ALIGN = 8;

/** JSON.stringify with every non-ASCII character escaped, as Python's json.dumps does by default. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function writeSafetensors(tensors: NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const sorted = [...tensors].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const { name, matrix } of sorted) {
    const bytes = matrix.data.length * 4;
    header[name] = { dtype: 'F32', shape: [matrix.rows, matrix.cols], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const text = new TextEncoder().encode(asciiJson(header));
  const padded = text.length + ((ALIGN - (text.length % ALIGN)) % ALIGN);
  const w = new ByteWriter();
  w.u64(padded);
  w.bytes(text);
  w.padTo(ALIGN, 0x20);
  for (const { matrix } of sorted) w.floats(matrix.data);
  return w.result();
}
