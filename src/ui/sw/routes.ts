/**
 * Paths the service worker leaves to the network: the CORS proxy (git traffic must reach the server, and a
 * cached answer would be wrong) under the app's base path.
 */
export const NOT_INTERCEPTED: RegExp[] = [new RegExp(`^${escapeRegExp(import.meta.env.BASE_URL)}cors(/|$)`)];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
