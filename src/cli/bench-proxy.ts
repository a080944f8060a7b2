/**
 * Load benchmark of the CORS proxy on loopback: the standalone command (`npm run proxy`, its own process, so its
 * memory is its own) in front of the test git server (`git http-backend` on 127.0.0.1, e2e/support/git-server.ts).
 *
 *   npm run bench:proxy -- [--clients 8] [--clones 120] [--pack-kb 256] [--flood 80] [--flood-mb 15.5]
 *                          [--proxy-cli src/cli/proxy.ts]
 *
 * Phase 1: `--clients` clients clone concurrently, `--clones` in all; a clone is the two requests isomorphic-git
 * makes (GET info/refs, POST git-upload-pack for the whole pack), read to the end. Prints requests/s, clones/s,
 * p50/p99 latency per request kind and the proxy's peak RSS.
 * Phase 2: `--flood` clients each POST a `--flood-mb` body at once (the load that once took the proxy past 1 GB):
 * prints how many were admitted or refused and the proxy's peak RSS.
 *
 * Only the proxy spawned here gets the test switch `--allow-loopback` (and no default hosts): nothing about the
 * proxy's defaults changes. A benchmark, not a test: the figures depend on the machine and what else it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGitServer } from '../../e2e/support/git-server.ts';
import { incompressibleBytes, makeBareRepo } from '../git/testing/fixture-repos.ts';
import { pktLine } from '../proxy/pktline.ts';

const ORIGIN = 'http://bench.localhost:5173';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    clones: { type: 'string', default: '120' },
    'pack-kb': { type: 'string', default: '256' },
    flood: { type: 'string', default: '80' },
    'flood-mb': { type: 'string', default: '15.5' },
    // Another version of the proxy command to measure (e.g. an older one extracted with `git archive`).
    'proxy-cli': { type: 'string', default: 'src/cli/proxy.ts' },
  },
});
const clients = Number(values.clients);
const clones = Number(values.clones);
const packKb = Number(values['pack-kb']);
const floodClients = Number(values.flood);
const floodBytes = Math.round(Number(values['flood-mb']) * 1e6);

// ---- the proxy's memory, sampled from /proc (Linux); VmHWM is the kernel's own peak since the process began ----

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) : null;
  } catch {
    return null; // not Linux, or the process is gone
  }
}

/** Samples RSS every 10 ms; `stop()` gives the highest sample (MB). */
function sampleRss(pid: number): { stop(): number | null } {
  let peak: number | null = null;
  const take = (): void => {
    const kb = procStatusKb(pid, 'VmRSS');
    if (kb !== null) peak = Math.max(peak ?? 0, kb);
  };
  take();
  const timer = setInterval(take, 10);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return peak === null ? null : peak / 1024;
    },
  };
}

// ---- the standalone proxy, as a user starts it ----

async function startProxy(): Promise<{ child: ChildProcess; base: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CODE2LORA_PROXY_')));
  const args = ['--import', 'tsx', values['proxy-cli'], '--port', '0', '--allow-loopback', '--no-default-hosts', '--origin', ORIGIN];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (http:\/\/[0-9.]+:\d+\/cors)/.exec(out);
      if (m?.[1] && out.includes('origins:')) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}: ${out}`)));
  });
  return { child, base };
}

// ---- a git clone's two requests, as raw smart-HTTP (protocol v0, side-band-64k) ----

interface Answer {
  status: number;
  body: Buffer;
}

function call(agent: Agent, url: string, method: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { origin: ORIGIN };
    if (body) headers['content-type'] = 'application/x-git-upload-pack-request';
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The commit HEAD names in a v0 ref advertisement (after "# service=..." and a flush). */
function headOf(advertisement: Buffer): string {
  const m = /0000[0-9a-f]{4}([0-9a-f]{40}) HEAD\0/.exec(advertisement.toString('latin1'));
  if (!m?.[1]) throw new Error('no HEAD in the advertisement');
  return m[1];
}

interface CloneTimes {
  refsMs: number;
  packMs: number;
  packBytes: number;
}

async function cloneOnce(agent: Agent, repoUrl: string): Promise<CloneTimes> {
  let start = performance.now();
  const refs = await call(agent, `${repoUrl}/info/refs?service=git-upload-pack`, 'GET');
  const refsMs = performance.now() - start;
  if (refs.status !== 200) throw new Error(`info/refs: HTTP ${refs.status} ${refs.body.toString().slice(0, 200)}`);
  const want = Buffer.concat([pktLine(`want ${headOf(refs.body)} side-band-64k ofs-delta\n`), Buffer.from('0000'), pktLine('done\n')]);
  start = performance.now();
  const pack = await call(agent, `${repoUrl}/git-upload-pack`, 'POST', want);
  const packMs = performance.now() - start;
  if (pack.status !== 200 || !pack.body.includes('PACK')) throw new Error(`git-upload-pack: HTTP ${pack.status}`);
  return { refsMs, packMs, packBytes: pack.body.length };
}

// ---- phases ----

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const fmt = (n: number | null, digits = 1): string => (n === null ? 'n/a' : n.toFixed(digits));

async function clonePhase(base: string, repoUrl: string, pid: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const proxied = `${base}/${repoUrl.replace(/^http:\/\//, '')}`;
  for (let i = 0; i < 3; i++) await cloneOnce(agent, proxied); // warm-up
  const times: CloneTimes[] = [];
  let next = 0;
  const rss = sampleRss(pid);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < clones) {
        next++;
        times.push(await cloneOnce(agent, proxied));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const peak = rss.stop();
  agent.destroy();
  const refs = times.map((t) => t.refsMs).sort((a, b) => a - b);
  const packs = times.map((t) => t.packMs).sort((a, b) => a - b);
  console.log(`clones: ${clients} concurrent clients, ${times.length} clones (${times.length * 2} requests), pack ${(times[0]?.packBytes ?? 0) / 1024 | 0} KiB`);
  console.log(`  throughput     ${fmt((times.length * 2) / seconds)} requests/s, ${fmt(times.length / seconds)} clones/s (${fmt(seconds, 2)} s)`);
  console.log(`  info/refs      p50 ${fmt(percentile(refs, 50))} ms, p99 ${fmt(percentile(refs, 99))} ms`);
  console.log(`  upload-pack    p50 ${fmt(percentile(packs, 50))} ms, p99 ${fmt(percentile(packs, 99))} ms`);
  console.log(`  proxy peak RSS ${fmt(peak)} MB`);
}

/** One large POST; resolves with the status, or 'reset' when the proxy closed the connection mid-upload. */
function floodOne(url: string, body: Buffer): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, headers: { origin: ORIGIN, 'content-type': 'application/x-git-upload-pack-request' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('reset'));
    req.end(body);
  });
}

async function floodPhase(base: string, repoUrl: string, pid: number): Promise<void> {
  const body = Buffer.alloc(floodBytes, 0x30); // one buffer, sent by every client
  const url = `${base}/${repoUrl.replace(/^http:\/\//, '')}/git-upload-pack`;
  const rss = sampleRss(pid);
  const start = performance.now();
  const outcomes = await Promise.all(Array.from({ length: floodClients }, () => floodOne(url, body)));
  const seconds = (performance.now() - start) / 1000;
  const peak = rss.stop();
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(String(o), (counts.get(String(o)) ?? 0) + 1);
  const summary = [...counts].sort().map(([k, n]) => `${n} x ${k}`).join(', ');
  console.log(`flood: ${floodClients} concurrent POSTs of ${fmt(floodBytes / 1e6)} MB each (${fmt(seconds, 2)} s)`);
  console.log(`  outcomes       ${summary} (200: admitted and forwarded, git answers the junk body in-band; 503: refused as busy; reset: cut while still sending)`);
  console.log(`  proxy peak RSS ${fmt(peak)} MB`);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-proxy-'));
  const served = join(tmp, 'served');
  mkdirSync(served);
  makeBareRepo(served, 'bench', [
    { message: 'Add package', files: { 'pkg/__init__.py': '', 'pkg/core.py': 'def one():\n    return 1\n' } },
    { message: 'Add data', files: { 'data/blob.bin': incompressibleBytes(packKb * 1024, 11) } },
  ]);
  const gitServer = await startGitServer({ root: served });
  const { child, base } = await startProxy();
  const pid = child.pid ?? 0;
  try {
    const repoUrl = `${gitServer.url}/bench.git`;
    await new Promise((r) => setTimeout(r, 500)); // let start-up garbage settle before the baseline
    console.log(`proxy ${base} (pid ${pid}), upstream ${repoUrl}`);
    console.log(`  proxy idle RSS ${fmt((procStatusKb(pid, 'VmRSS') ?? NaN) / 1024)} MB`);
    await clonePhase(base, repoUrl, pid);
    if (floodClients > 0) await floodPhase(base, repoUrl, pid);
    console.log(`  proxy lifetime peak RSS (VmHWM) ${fmt((procStatusKb(pid, 'VmHWM') ?? NaN) / 1024)} MB`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await gitServer.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
