import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressDirectory, precompressedMiddleware } from './precompressed.ts';
import { CROSS_ORIGIN_ISOLATION } from './isolation.ts';

let dir: string;
let server: Server;
let port: number;
const wasm = Buffer.from('wasm bytes that repeat '.repeat(4000));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'precompressed-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'ort.wasm'), wasm);
  writeFileSync(join(dir, 'tiny.js'), 'x');
  writeFileSync(join(dir, 'noise.onnx'), randomBytes(8192));
  writeFileSync(join(dir, 'photo.png'), Buffer.alloc(4096));
  const middleware = precompressedMiddleware(dir, '/app/', { ...CROSS_ORIGIN_ISOLATION });
  server = createServer((req, res) => middleware(req, res, () => res.writeHead(404, { 'x-fell-through': '1' }).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function fetchRaw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('precompressed files', () => {
  it('keeps a brotli copy only where it pays: not for tiny, incompressible or image files', () => {
    const result = compressDirectory(dir);
    expect(existsSync(join(dir, 'assets', 'ort.wasm.br'))).toBe(true);
    expect(existsSync(join(dir, 'tiny.js.br'))).toBe(false);
    expect(existsSync(join(dir, 'noise.onnx.br'))).toBe(false);
    expect(existsSync(join(dir, 'photo.png.br'))).toBe(false);
    expect(result.files).toBe(1);
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'ort.wasm.br')))).toEqual(wasm);
  });

  it('serves the copy, with its type and encoding, to a client that accepts brotli', async () => {
    const reply = await fetchRaw('/app/assets/ort.wasm', { 'accept-encoding': 'gzip, br' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe('br');
    expect(reply.headers['content-type']).toBe('application/wasm');
    expect(reply.headers.vary).toBe('Accept-Encoding');
    // The server's own headers: without them a cross-origin isolated page could not use what this sends.
    expect(reply.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(reply.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(Number(reply.headers['content-length'])).toBe(reply.body.byteLength);
    expect(reply.body.byteLength).toBeLessThan(wasm.byteLength / 10);
    expect(brotliDecompressSync(reply.body)).toEqual(wasm);
  });

  it('leaves every other request to the static server', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/app/assets/ort.wasm', { 'accept-encoding': 'gzip' }],
      ['/app/assets/ort.wasm', { 'accept-encoding': 'br;q=0' }],
      ['/app/assets/ort.wasm', { 'accept-encoding': 'br', range: 'bytes=0-9' }],
      ['/app/tiny.js', { 'accept-encoding': 'br' }],
      ['/app/%2e%2e/%2e%2e/etc/passwd', { 'accept-encoding': 'br' }],
      ['/elsewhere/assets/ort.wasm', { 'accept-encoding': 'br' }],
    ];
    for (const [path, headers] of cases) {
      const reply = await fetchRaw(path, headers);
      expect(reply.headers['x-fell-through'], `${path} ${JSON.stringify(headers)}`).toBe('1');
    }
  });
});
