/**
 * Where file vectors are kept between sessions, keyed by (encoder, chunking, chunks encoded, git blob id): reopening
 * a repository or stepping a commit re-encodes only files whose content changed. IndexedDB in the browser
 * (vector-cache-idb.ts), a directory in Node (vector-cache-fs.ts), memory in tests.
 */
export interface VectorCache {
  get(key: string): Promise<Float32Array | undefined>;
  set(key: string, vector: Float32Array): Promise<void>;
}

export function vectorKey(encoderSha: string, chunkTokens: number, chunks: number, oid: string): string {
  return `${encoderSha.slice(0, 16)}-${chunkTokens}-${chunks}-${oid}`;
}

export class MemoryVectorCache implements VectorCache {
  private readonly vectors = new Map<string, Float32Array>();

  async get(key: string): Promise<Float32Array | undefined> {
    return this.vectors.get(key);
  }

  async set(key: string, vector: Float32Array): Promise<void> {
    this.vectors.set(key, vector);
  }

  get size(): number {
    return this.vectors.size;
  }
}
