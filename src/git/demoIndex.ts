import { DEMO_INDEX_FILE, parseDemoIndex, type DemoEntry } from './demo-bundle.ts';

export type DemoInfo = DemoEntry;

/** URL of a file of the bundled demo folder (public/demo/ in the sources), under the app's base path. */
export function demoFileUrl(name: string, origin: string = globalThis.location.origin): string {
  return new URL(`${import.meta.env.BASE_URL}demo/${name}`, origin).href;
}

/** The bundled demo repositories, from the app's static files (works offline once the app is cached). */
export async function loadDemoIndex(): Promise<DemoInfo[]> {
  const res = await fetch(demoFileUrl(DEMO_INDEX_FILE));
  if (!res.ok) throw new Error(`demo index: HTTP ${res.status}`);
  return parseDemoIndex(await res.text()).demos;
}
