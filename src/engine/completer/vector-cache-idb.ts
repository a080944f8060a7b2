import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { VectorCache } from './vector-cache.ts';

/** File vectors in IndexedDB (its own database, so clearing it never touches the git or model stores). */
export class IdbVectorCache implements VectorCache {
  private readonly store: UseStore = createStore('code2lora-file-vectors', 'vectors');

  async get(key: string): Promise<Float32Array | undefined> {
    const value: unknown = await get(key, this.store);
    return value instanceof Float32Array ? value : undefined;
  }

  async set(key: string, vector: Float32Array): Promise<void> {
    await set(key, vector, this.store);
  }
}
