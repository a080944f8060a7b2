import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FetchFn } from './verified-fetch.ts';

/**
 * For Node tools (CLI, benchmarks): fetch that also reads `file:` URLs, so a manifest and its models can be used
 * straight from a directory. A missing file answers 404, like a server would; other URLs go to the real fetch.
 */
export const fetchWithFiles: FetchFn = async (url, init) => {
  if (!url.startsWith('file:')) return fetch(url, init);
  try {
    const bytes = await readFile(fileURLToPath(url));
    return new Response(new Uint8Array(bytes), { status: 200 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Response(null, { status: 404 });
    throw error;
  }
};

/** The file: URL of a manifest given as a filesystem path or a URL. */
export function manifestLocation(pathOrUrl: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl) ? pathOrUrl : pathToFileURL(pathOrUrl).href;
}
