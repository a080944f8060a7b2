/**
 * The Host header values a standalone proxy answers to (ProxyOptions.allowedHostHeaders): the address it listens
 * on, the loopback names when it listens on loopback or on every interface, the app origins' own names (for a
 * proxy mounted behind the app's name by a reverse proxy), and any name given explicitly.
 */
import { isIP } from 'node:net';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function isLoopbackOrAny(address: string): boolean {
  return ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(address) || address.startsWith('127.');
}

export function hostHeadersFor(listen: string, port: number, origins: readonly string[], publicHosts: readonly string[]): string[] {
  const listenName = isIP(listen) === 6 ? `[${listen}]` : listen;
  const names = isLoopbackOrAny(listen) ? [listenName, ...LOOPBACK_NAMES] : [listenName];
  const hosts = names.map((name) => `${name}:${port}`);
  for (const origin of origins) hosts.push(new URL(origin).host);
  return [...new Set([...hosts, ...publicHosts].map((h) => h.toLowerCase()))];
}
