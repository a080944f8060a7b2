import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'save-adapter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/save-adapter.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

// The real command: bad arguments stop it with exit status 2 and one line, before any model loads; a model set
// whose LM is our own (no pretrained base for other tools to run) is refused with the reason.
describe('npm run save-adapter', () => {
  it.each([
    ['no --repo', [], /--repo <path, git dir or tarball> is required/],
    ['a missing repository', ['--repo', join(dir, 'missing')], /no such file or folder/],
    ['an unknown method', ['--repo', dir, '--method', 'evo'], /unknown method "evo" \(one of single, static\)/],
  ])('with %s exits 2 with the reason', (_, args, reason) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses the trained 5.3M LM's set: other tools do not run that LM", () => {
    const result = run(['--repo', dir, '--models', join(ROOT, 'public', 'models'), '--out', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not a pretrained base other tools run: its adapters cannot be saved for them/);
  });
});
