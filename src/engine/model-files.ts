import { ModelError, describeError } from './errors.ts';
import { fileUrl, parseManifest } from './manifest.ts';
import type { ModelByteStore } from './model-store.ts';
import type { Manifest, ManifestFile } from './types.ts';
import { fetchVerified, verifyBytes, type FetchFn, type ProgressFn } from './verified-fetch.ts';

/**
 * The files of one manifest: fetched with progress, verified (size and sha256) before use, kept in a store so they
 * load offline, and verified again whenever they come back out of the store.
 */
export class ModelFiles {
  private constructor(
    readonly url: string,
    readonly manifest: Manifest,
    private readonly store: ModelByteStore,
    private readonly fetchFn: FetchFn,
  ) {}

  /**
   * Fetches and validates the manifest. With the network gone it falls back to the copy seen last time at this URL;
   * an HTTP error (the server answered) does not fall back, so a removed manifest is reported, not hidden.
   */
  static async open(url: string, store: ModelByteStore, fetchFn: FetchFn = fetch): Promise<ModelFiles> {
    let absolute: string;
    try {
      absolute = new URL(url, globalThis.location?.href).href;
    } catch (error) {
      throw new ModelError('missing-file', `manifest URL "${url}" is not a valid URL`, { cause: error });
    }
    let text: string;
    try {
      const response = await fetchFn(absolute, { cache: 'no-cache' });
      if (!response.ok) throw new ModelError('missing-file', `manifest ${absolute} answered HTTP ${response.status}`);
      text = await response.text();
    } catch (error) {
      if (error instanceof ModelError) throw error;
      const cached = await store.getText(absolute);
      if (cached === null) {
        throw new ModelError('missing-file', `could not fetch manifest ${absolute} (${describeError(error)})`, {
          cause: error,
        });
      }
      text = cached;
    }
    const manifest = parseManifest(text);
    await store.putText(absolute, text);
    return new ModelFiles(absolute, manifest, store, fetchFn);
  }

  entry(name: string): ManifestFile {
    const file = this.manifest.files[name];
    if (!file) {
      const known = Object.keys(this.manifest.files).join(', ');
      throw new ModelError('unknown-model', `the manifest has no file named "${name}" (it has: ${known})`);
    }
    return file;
  }

  /** The verified bytes of one file: from the store when its copy still verifies, else from the network. */
  async bytes(name: string, onProgress: ProgressFn): Promise<Uint8Array> {
    const file = this.entry(name);
    const cached = await this.store.getBytes(file.sha256);
    if (cached) {
      try {
        await verifyBytes(name, cached, file);
        onProgress({ name, loaded: cached.byteLength, total: file.bytes, source: 'cache' });
        return cached;
      } catch {
        // A damaged cache entry is dropped and fetched again rather than trusted.
        await this.store.deleteBytes(file.sha256);
      }
    }
    const fresh = await fetchVerified(name, fileUrl(this.url, file), file, onProgress, this.fetchFn);
    await this.store.putBytes(file.sha256, fresh);
    return fresh;
  }

  /**
   * Makes the named files present in the store (every file of the manifest when none are named: the offline
   * precache), in manifest order: a file not kept yet is fetched and verified; a kept one is left to be verified
   * when it is read (bytes() does, and replaces a damaged copy), so a warm open reads and hashes each file once, not
   * twice (the base's blocks are 96 MB).
   */
  async ensureAll(onProgress: ProgressFn, names?: ReadonlySet<string>): Promise<void> {
    for (const [name, file] of Object.entries(this.manifest.files)) {
      if (names && !names.has(name)) continue;
      if (await this.store.hasBytes(file.sha256)) {
        onProgress({ name, loaded: file.bytes, total: file.bytes, source: 'cache' });
        continue;
      }
      const fresh = await fetchVerified(name, fileUrl(this.url, file), file, onProgress, this.fetchFn);
      await this.store.putBytes(file.sha256, fresh);
    }
  }
}
