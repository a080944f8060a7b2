import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VectorCache } from './vector-cache.ts';

/** File vectors as raw little-endian float32 files in a directory (the Node CLI's cache). */
export class FsVectorCache implements VectorCache {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(-2), `${key}.f32`);
  }

  async get(key: string): Promise<Float32Array | undefined> {
    try {
      const bytes = await readFile(this.path(key));
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch {
      return undefined;
    }
  }

  async set(key: string, vector: Float32Array): Promise<void> {
    const path = this.path(key);
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    await rename(temporary, path);
  }
}
