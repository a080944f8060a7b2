import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer } from '../../e2e/support/git-server.ts';
import { parseDemoIndex } from '../../src/git/demo-bundle.ts';
import { createGitService } from '../../src/git/service.ts';
import { nodeGitDeps } from '../../src/git/testing/node-deps.ts';
import { buildDemoBundle, DEMO_SOURCES, type DemoBuildResult } from './build.ts';

/**
 * The tip of the unitkit demo as the patches define it. Authors, committers and dates all come from the
 * patches, so this id is the same on every machine; editing a patch changes it (update it here on purpose).
 */
const UNITKIT_HEAD = 'e10cb38a71543c3e8668707abc7cc7e12ac96b4c';
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

let tmp: string;
let built: DemoBuildResult;

function gitText(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null' } });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'demo-build-test-'));
  built = buildDemoBundle(join(tmp, 'cache'), join(tmp, 'out'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('demo bundle', () => {
  it('builds a deterministic history of 15+ commits', () => {
    const unitkit = built.demos.find((d) => d.entry.name === 'unitkit')!;
    expect(unitkit.entry.head).toBe(UNITKIT_HEAD);
    expect(unitkit.commits.length).toBeGreaterThanOrEqual(15);
    expect(unitkit.commits.at(-1)).toBe(UNITKIT_HEAD);
    const again = buildDemoBundle(join(tmp, 'cache2'), join(tmp, 'out2'));
    expect(again.demos.map((d) => d.entry.head)).toEqual(built.demos.map((d) => d.entry.head));
  });

  it('writes an index naming every demo and one zip per demo', () => {
    const index = parseDemoIndex(readFileSync(join(built.outDir, 'index.json'), 'utf8'));
    expect(index.demos.map((d) => d.name)).toEqual(DEMO_SOURCES.map((s) => s.name));
    expect(readdirSync(built.outDir).sort()).toEqual(['index.json', ...index.demos.map((d) => d.file)].sort());
  });

  it("has a test suite with every assertion family, and it passes at HEAD", () => {
    const checkout = join(tmp, 'checkout');
    gitText(tmp, ['clone', '-q', built.demos[0]!.bareDir, checkout]);
    const testDir = join(checkout, 'tests');
    const tests = readdirSync(testDir)
      .filter((f) => f.startsWith('test_'))
      .map((f) => readFileSync(join(testDir, f), 'utf8'))
      .join('\n');
    expect(tests).toMatch(/^\s+assert \S.* == \S/m);
    expect(tests).toMatch(/class \w+\(unittest\.TestCase\):\n\s+def setUp\(self\):/);
    expect(tests).toMatch(/self\.assertEqual\(/);
    expect(tests).toMatch(/self\.assertAlmostEqual\(/);
    expect(tests).toMatch(/with pytest\.raises\(\w+/);
    expect(tests).toMatch(/== pytest\.approx\(/);
    expect(tests).toMatch(/assert_allclose\(/);
    expect(tests).toMatch(/assert_array_equal\(/);

    const run = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: checkout, encoding: 'utf8' });
    expect(run.stdout).toMatch(/\d+ passed/);
    expect(run.stdout).not.toMatch(/failed|error|skipped/);
    expect(run.status).toBe(0);
  });

  it('opens offline through the git service, with the whole history', async () => {
    const root = mkdtempSync(join(tmp, 'fs-'));
    let loads = 0;
    const deps = nodeGitDeps(root, built.outDir);
    const git = createGitService({
      ...deps,
      loadDemoFile: (name) => {
        loads++;
        return deps.loadDemoFile(name);
      },
    });
    const rec = await git.openDemo('unitkit');
    expect(rec).toMatchObject({ id: 'demo-unitkit', head: UNITKIT_HEAD, ref: 'main', source: 'demo', depth: null });
    const log = await git.log(rec.id);
    expect(log.length).toBe(built.demos[0]!.commits.length);
    expect(log.at(-1)?.message).toMatch(/^Start unitkit/);
    const files = (await git.listFiles(rec.id, rec.head)).map((f) => f.path);
    expect(files).toContain('unitkit/quantity.py');
    expect(files).toContain('tests/test_arrays.py');

    // Opening again reuses the kept copy: only the small index is read, to see whether the bundle changed.
    const loadsAfterFirst = loads;
    expect((await git.openDemo('unitkit')).clonedAt).toBe(rec.clonedAt);
    expect(loads).toBe(loadsAfterFirst + 1);
    expect(await git.deepen(rec.id, 100, () => undefined)).toBe(log.length);

    // The API rename (Unit.scale -> Unit.factor) shows as modified production and test files.
    const rename = log.find((c) => c.message.startsWith('Rename Unit.scale'))!;
    const changes = await git.diff(rec.id, rename.parents[0]!, rename.oid);
    expect(changes.map((c) => c.path)).toContain('unitkit/units.py');
    expect(changes.every((c) => c.kind === 'modified')).toBe(true);
    const units = changes.find((c) => c.path === 'unitkit/units.py')!;
    expect(units.oldText).toContain('scale: float');
    expect(units.newText).toContain('factor: float');
  });

  it('is served by the test git server and clones to the same commits', async () => {
    const server = await startGitServer({ root: built.servedRoot });
    try {
      const git = createGitService(nodeGitDeps(mkdtempSync(join(tmp, 'fs-')), built.outDir));
      const rec = await git.clone({ url: `${server.url}/${built.demos[0]!.entry.servedAs}`, depth: 3 }, () => undefined);
      expect(rec.head).toBe(UNITKIT_HEAD);
      expect((await git.log(rec.id)).length).toBe(3);
      expect(await git.deepen(rec.id, 1000, () => undefined)).toBe(built.demos[0]!.commits.length);
    } finally {
      await server.stop();
    }
  });
});
