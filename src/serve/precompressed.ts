/**
 * Brotli copies of the built app's large files, and a preview-server middleware that serves them to browsers that
 * accept them. The onnxruntime wasm is 28.3 MB as built and 4.9 MB compressed; Vite's preview server (sirv) sends
 * files as they are, so without this every first visit downloaded the full size.
 */
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** What is worth compressing: code, data and model graphs (images and archives are compressed already). */
const COMPRESSIBLE = /\.(wasm|js|mjs|css|html|json|onnx|svg|webmanifest|txt)$/;
const MIN_BYTES = 1024;
/** A copy is kept only if it saves at least this share (the 4-bit model blocks barely compress). */
const MIN_SAVING = 0.05;

const CONTENT_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes `<file>.br` beside each compressible file of `dir`; returns the bytes before and after. */
export function compressDirectory(dir: string): { files: number; bytes: number; compressedBytes: number } {
  let files = 0;
  let bytes = 0;
  let compressedBytes = 0;
  for (const path of walk(dir)) {
    if (!COMPRESSIBLE.test(path)) continue;
    const data = readFileSync(path);
    if (data.byteLength < MIN_BYTES) continue;
    // Quality 5: within 7% of the best ratio on the runtime's wasm at a fifth of the time (measured here).
    const compressed = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength },
    });
    if (compressed.byteLength > data.byteLength * (1 - MIN_SAVING)) continue;
    writeFileSync(`${path}.br`, compressed);
    files++;
    bytes += data.byteLength;
    compressedBytes += compressed.byteLength;
  }
  return { files, bytes, compressedBytes };
}

function acceptsBrotli(request: IncomingMessage): boolean {
  const header = request.headers['accept-encoding'];
  const value = Array.isArray(header) ? header.join(',') : header ?? '';
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return coding?.trim() === 'br' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * Serves `<path>.br` with Content-Encoding: br for GET and HEAD requests that accept brotli and ask for a whole
 * file; anything else (a range, another encoding, a path outside `root`) goes on to the static server.
 */
export function precompressedMiddleware(root: string, base = '/', headers: OutgoingHttpHeaders = {}) {
  const top = normalize(root + sep);
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.headers.range || !acceptsBrotli(request)) return next();
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      return next();
    }
    if (!pathname.startsWith(base)) return next();
    const file = normalize(join(root, pathname.slice(base.length)));
    const compressed = `${file}.br`;
    const type = CONTENT_TYPES[extname(file)];
    if (!file.startsWith(top) || !type || !existsSync(compressed) || !statSync(compressed).isFile()) return next();
    response.statusCode = 200;
    // The server's own headers (cross-origin isolation) go on these responses as on the ones it sends itself.
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) response.setHeader(name, value);
    response.setHeader('Content-Type', type);
    response.setHeader('Content-Encoding', 'br');
    response.setHeader('Content-Length', statSync(compressed).size);
    response.setHeader('Vary', 'Accept-Encoding');
    // Hashed assets never change under their name; everything else is revalidated.
    response.setHeader('Cache-Control', pathname.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(compressed).pipe(response);
  };
}
