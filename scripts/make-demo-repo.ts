/**
 * `npm run demo`: builds the bundled demo repositories (see scripts/demo-repo/) into `.cache/demo/` and writes
 * the app's offline bundle into `public/demo/` (index.json + one zip per repository).
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoBundle } from './demo-repo/build.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const started = Date.now();
const result = buildDemoBundle(join(ROOT, '.cache', 'demo'), join(ROOT, 'public', 'demo'));
for (const d of result.demos) {
  console.log(`demo ${d.entry.name}: ${d.entry.commits} commits, head ${d.entry.head.slice(0, 12)}`);
}
console.log(`wrote ${relative(ROOT, result.outDir)}/ in ${Date.now() - started} ms`);
