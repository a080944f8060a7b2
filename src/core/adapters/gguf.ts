/**
 * A GGUF (version 3) file of float32 tensors and string / float32 metadata: what llama.cpp reads as a LoRA adapter.
 * Laid out as the reference writer (the `gguf` Python package) lays it out, byte for byte: the header, the metadata
 * in insertion order (general.architecture first), the tensor infos, then every tensor aligned to 32 bytes.
 */
import { ByteWriter } from './bytes.ts';
import type { NamedTensor } from './layout.ts';

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const VERSION = 3;
const ALIGNMENT = 32;
const TYPE_FLOAT32 = 6;
const TYPE_STRING = 8;
const GGML_F32 = 0;

export type GgufValue = { kind: 'string'; value: string } | { kind: 'float32'; value: number };

const utf8 = new TextEncoder();

function writeString(w: ByteWriter, text: string): void {
  const bytes = utf8.encode(text);
  w.u64(bytes.length);
  w.bytes(bytes);
}

export function writeGguf(architecture: string, metadata: [string, GgufValue][], tensors: NamedTensor[]): Uint8Array {
  const kv: [string, GgufValue][] = [['general.architecture', { kind: 'string', value: architecture }], ...metadata];
  const w = new ByteWriter();
  w.u32(MAGIC);
  w.u32(VERSION);
  w.u64(tensors.length);
  w.u64(kv.length);
  for (const [key, v] of kv) {
    writeString(w, key);
    if (v.kind === 'string') {
      w.u32(TYPE_STRING);
      writeString(w, v.value);
    } else {
      w.u32(TYPE_FLOAT32);
      w.f32(v.value);
    }
  }
  let offset = 0;
  for (const { name, matrix } of tensors) {
    writeString(w, name);
    w.u32(2);
    w.u64(matrix.cols); // ggml lists dimensions innermost first
    w.u64(matrix.rows);
    w.u32(GGML_F32);
    w.u64(offset);
    const bytes = matrix.data.length * 4;
    offset += bytes + ((ALIGNMENT - (bytes % ALIGNMENT)) % ALIGNMENT);
  }
  w.padTo(ALIGNMENT);
  for (const { matrix } of tensors) {
    w.floats(matrix.data);
    w.padTo(ALIGNMENT);
  }
  return w.result();
}
