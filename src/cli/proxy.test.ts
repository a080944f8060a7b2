/** The standalone proxy command, run as a user would (`npm run proxy -- ...` runs this file with tsx). */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess;
let base = '';

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/proxy.ts', '--port', '0', '--allow-host', 'git.example.org', '--origin', 'http://localhost:5173'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CODE2LORA_PROXY_ALLOW_LOOPBACK: '' } },
  );
  let out = '';
  base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (http:\/\/[0-9.]+:\d+)\/cors/.exec(out);
      if (m?.[1] && out.includes('origins:')) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}: ${out}`)));
  });
  expect(out).toContain('git.example.org');
}, 60_000);

afterAll(async () => {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

const REFS = '/o/r.git/info/refs?service=git-upload-pack';

/** A request with a Host header of our choosing (fetch always sends the URL's host). */
function withHost(host: string, origin: string): Promise<{ status: number; allowOrigin: string | undefined; body: string }> {
  const url = new URL(`${base}/cors/example.org${REFS}`); // not allowlisted: nothing goes upstream
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { host, origin } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allowOrigin: res.headers['access-control-allow-origin'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('npm run proxy', () => {
  it('applies the flags: extra host allowed, other hosts refused, the given origin gets CORS', async () => {
    const refused = await fetch(`${base}/cors/example.org${REFS}`, { headers: { origin: 'http://localhost:5173' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(await refused.json()).toMatchObject({ error: 'host-not-allowed' });

    const loopback = await fetch(`${base}/cors/127.0.0.1:9${REFS}`);
    expect(await loopback.json()).toMatchObject({ error: 'host-not-allowed' });

    const foreign = await fetch(`${base}/cors/git.example.org${REFS}`, { headers: { origin: 'http://localhost:9999' } });
    expect(await foreign.json()).toMatchObject({ error: 'origin-not-allowed' });

    const elsewhere = await fetch(`${base}/`);
    expect(elsewhere.status).toBe(404);
  });

  it('answers only under its own names: a forged Host cannot make a page same-origin with it', async () => {
    const port = new URL(base).port;
    const forged = await withHost(`attacker.example:${port}`, `http://attacker.example:${port}`);
    expect(forged.status).toBe(403);
    expect(forged.allowOrigin).toBeUndefined();
    expect(JSON.parse(forged.body)).toMatchObject({ error: 'host-header-not-allowed' });

    // Under its own name the request passes the Host check and meets the next rule.
    const own = await withHost(`127.0.0.1:${port}`, 'http://localhost:5173');
    expect(JSON.parse(own.body)).toMatchObject({ error: 'host-not-allowed' });
    expect(own.allowOrigin).toBe('http://localhost:5173');
  });

  it('refuses a POST without an Origin header (browsers always send one)', async () => {
    const bare = await fetch(`${base}/cors/git.example.org/o/r.git/git-upload-pack`, { method: 'POST', body: '0000' });
    expect(bare.status).toBe(403);
    expect(await bare.json()).toMatchObject({ error: 'origin-not-allowed' });
  });
});
