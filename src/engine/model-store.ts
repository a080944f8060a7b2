/**
 * Where verified model bytes are kept so the app loads its models offline. Entries are content-addressed by sha256,
 * and whoever reads one verifies it again before use (a cache can be damaged or tampered with).
 */
export interface ModelByteStore {
  getBytes(sha256: string): Promise<Uint8Array | null>;
  /** Whether a copy is kept, without reading it (it is verified when it is read). */
  hasBytes(sha256: string): Promise<boolean>;
  putBytes(sha256: string, bytes: Uint8Array): Promise<void>;
  deleteBytes(sha256: string): Promise<void>;
  /** The last manifest text seen at a URL, for opening the models with the network gone. */
  getText(url: string): Promise<string | null>;
  putText(url: string, text: string): Promise<void>;
}

const CACHE_NAME = 'code2lora-models-v1';

/** Browser store on the Cache API, which suits large binary bodies and is available in workers. */
export class CacheApiStore implements ModelByteStore {
  private constructor(
    private readonly cache: Cache,
    private readonly base: string,
  ) {}

  static async open(): Promise<CacheApiStore> {
    return new CacheApiStore(await caches.open(CACHE_NAME), `${location.origin}/.model-cache/`);
  }

  private bytesKey(sha256: string): string {
    return `${this.base}sha256/${sha256}`;
  }

  private textKey(url: string): string {
    return `${this.base}text/${encodeURIComponent(url)}`;
  }

  async getBytes(sha256: string): Promise<Uint8Array | null> {
    const hit = await this.cache.match(this.bytesKey(sha256));
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  }

  async hasBytes(sha256: string): Promise<boolean> {
    return (await this.cache.match(this.bytesKey(sha256))) !== undefined;
  }

  async putBytes(sha256: string, bytes: Uint8Array): Promise<void> {
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
    await this.cache.put(this.bytesKey(sha256), new Response(body));
  }

  async deleteBytes(sha256: string): Promise<void> {
    await this.cache.delete(this.bytesKey(sha256));
  }

  async getText(url: string): Promise<string | null> {
    const hit = await this.cache.match(this.textKey(url));
    return hit ? hit.text() : null;
  }

  async putText(url: string, text: string): Promise<void> {
    await this.cache.put(this.textKey(url), new Response(text, { headers: { 'content-type': 'application/json' } }));
  }
}

/** Process-lifetime store for Node (CLI, tests), where there is no Cache API: saves re-downloads within one run. */
export class MemoryStore implements ModelByteStore {
  private readonly bytes = new Map<string, Uint8Array>();
  private readonly texts = new Map<string, string>();

  async getBytes(sha256: string): Promise<Uint8Array | null> {
    return this.bytes.get(sha256)?.slice() ?? null;
  }

  async hasBytes(sha256: string): Promise<boolean> {
    return this.bytes.has(sha256);
  }

  async putBytes(sha256: string, bytes: Uint8Array): Promise<void> {
    this.bytes.set(sha256, bytes.slice());
  }

  async deleteBytes(sha256: string): Promise<void> {
    this.bytes.delete(sha256);
  }

  async getText(url: string): Promise<string | null> {
    return this.texts.get(url) ?? null;
  }

  async putText(url: string, text: string): Promise<void> {
    this.texts.set(url, text);
  }
}

/** The persistent store where the platform has one, else a memory store. */
export async function openDefaultStore(): Promise<ModelByteStore> {
  if (typeof caches !== 'undefined' && typeof location !== 'undefined') {
    try {
      return await CacheApiStore.open();
    } catch {
      // Cache API refused (e.g. an opaque origin): models still load, just not offline.
    }
  }
  return new MemoryStore();
}
