import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const OUT = fileURLToPath(new URL('../.out/screenshots/', import.meta.url));

/** Saves a full-page screenshot under e2e/.out/screenshots/ (git-ignored) for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
}
