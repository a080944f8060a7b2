/** The manifest the check opens: `?check-manifest=<url>` if given, else the app's bundled models/manifest.json. */
export function defaultManifestUrl(search: string = globalThis.location?.search ?? ''): string {
  const fromQuery = new URLSearchParams(search).get('check-manifest');
  if (fromQuery) return fromQuery;
  return `${import.meta.env.BASE_URL}models/manifest.json`;
}

/** An optional `?check-graph=<name>` preselects the graph. */
export function defaultGraph(search: string = globalThis.location?.search ?? ''): string | null {
  return new URLSearchParams(search).get('check-graph');
}
