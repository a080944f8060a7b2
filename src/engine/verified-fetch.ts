import { ModelError, describeError } from './errors.ts';
import { sha256Hex } from './sha256.ts';
import type { LoadProgress, ManifestFile } from './types.ts';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;
export type ProgressFn = (progress: LoadProgress) => void;

/** Throws ModelError('corrupt-file') unless `bytes` has the manifest's size and sha256. */
export async function verifyBytes(name: string, bytes: Uint8Array, expected: ManifestFile): Promise<void> {
  if (bytes.byteLength !== expected.bytes) {
    throw new ModelError(
      'corrupt-file',
      `${name} (${expected.path}): ${bytes.byteLength} bytes, the manifest says ${expected.bytes}`,
    );
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new ModelError(
      'corrupt-file',
      `${name} (${expected.path}): sha256 ${actual} does not match the manifest's ${expected.sha256}`,
    );
  }
}

/**
 * Downloads one manifest file with progress and verifies its size and sha256 before anyone uses it. The manifest's
 * byte count is the progress total (Content-Length may describe a compressed body); a body longer than that is cut
 * off early as corrupt instead of being read to the end.
 */
export async function fetchVerified(
  name: string,
  url: string,
  expected: ManifestFile,
  onProgress: ProgressFn,
  fetchFn: FetchFn,
): Promise<Uint8Array> {
  // A connection dropped mid-file (a service worker taking control, a flaky network) is retried; a wrong answer
  // (HTTP error, wrong size or hash) is not.
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchVerifiedOnce(name, url, expected, onProgress, fetchFn);
    } catch (error) {
      const transient = error instanceof ModelError && error.code === 'missing-file' && !/answered HTTP/.test(error.message);
      if (!transient || attempt >= DOWNLOAD_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

const DOWNLOAD_ATTEMPTS = 3;

async function fetchVerifiedOnce(
  name: string,
  url: string,
  expected: ManifestFile,
  onProgress: ProgressFn,
  fetchFn: FetchFn,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-cache' });
  } catch (error) {
    throw new ModelError('missing-file', `${name}: could not fetch ${url} (${describeError(error)})`, { cause: error });
  }
  if (!response.ok) {
    throw new ModelError('missing-file', `${name}: ${url} answered HTTP ${response.status}`);
  }
  const total = expected.bytes;
  onProgress({ name, loaded: 0, total, source: 'network' });
  const bytes = await readBody(name, response, total, (loaded) => onProgress({ name, loaded, total, source: 'network' }));
  await verifyBytes(name, bytes, expected);
  return bytes;
}

async function readBody(
  name: string,
  response: Response,
  expectedBytes: number,
  onChunk: (loaded: number) => void,
): Promise<Uint8Array> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onChunk(bytes.byteLength);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.byteLength;
      if (loaded > expectedBytes) {
        await reader.cancel();
        throw new ModelError('corrupt-file', `${name}: the download exceeds the manifest's ${expectedBytes} bytes`);
      }
      chunks.push(value);
      onChunk(loaded);
    }
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError('missing-file', `${name}: the download broke off (${describeError(error)})`, { cause: error });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
