/**
 * The CORS proxy as a standalone server, for deployments where the app is served as static files:
 *   npm run proxy -- --port 8787 --allow-host example.org --origin http://localhost:5173
 * The app then clones with `corsProxy: 'http://<this host>:8787/cors'`. Environment variables (config.ts PROXY_ENV)
 * apply first; flags add to them.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { proxyOptions, proxyOptionsFromEnv, PROXY_ENV, type ProxyOptions } from '../proxy/config.ts';
import { hostHeadersFor } from '../proxy/hostHeaders.ts';
import { createProxyMiddleware, type ProxyMiddleware } from '../proxy/middleware.ts';

const USAGE = `Usage: npm run proxy -- [options]
  --port N              port to listen on (default 8787)
  --listen ADDRESS      address to bind (default 127.0.0.1)
  --public-host HOST    a Host header (name[:port]) the proxy answers to besides the listening address and the
                        origins' own names, e.g. when it is reached as proxy.example.org (repeatable)
  --allow-host HOST     add a git host to the allowlist (repeatable, or comma-separated)
  --no-default-hosts    drop the default hosts (github.com, gitlab.com, codeberg.org, bitbucket.org)
  --origin ORIGIN       an app origin allowed to call the proxy, e.g. http://localhost:5173 (repeatable)
  --max-response-mb N   largest upstream response forwarded (default 200)
  --deadline-s N        longest one request may take, start to end (default 300)
  --allow-loopback      TEST ONLY: allow 127.0.0.1/localhost over http (for a local fixture git server)
Environment: ${Object.values(PROXY_ENV).join(', ')}`;

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`--${flag}: not a positive number: ${value}`);
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      listen: { type: 'string', default: '127.0.0.1' },
      'public-host': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      'no-default-hosts': { type: 'boolean', default: false },
      origin: { type: 'string', multiple: true },
      'max-response-mb': { type: 'string' },
      'deadline-s': { type: 'string' },
      'allow-loopback': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${values.port}`);

  const env = { ...process.env };
  if (values['no-default-hosts']) env[PROXY_ENV.defaultHosts] = '0';
  const base: Partial<ProxyOptions> = { allowLoopback: values['allow-loopback'] };
  const fromEnv = proxyOptionsFromEnv(env, base);
  const overrides: Partial<ProxyOptions> = {
    ...fromEnv,
    allowedHosts: [...fromEnv.allowedHosts, ...splitList(values['allow-host'])],
    allowedOrigins: [...fromEnv.allowedOrigins, ...splitList(values.origin)],
  };
  if (values['max-response-mb'] !== undefined) {
    overrides.maxResponseBytes = Math.round(positiveNumber('max-response-mb', values['max-response-mb']) * 1024 * 1024);
  }
  if (values['deadline-s'] !== undefined) overrides.requestDeadlineMs = Math.round(positiveNumber('deadline-s', values['deadline-s']) * 1000);

  // The Host check needs the bound port (--port 0 picks one), so the middleware is made once listening; no
  // request can arrive before.
  let middleware: ProxyMiddleware | null = null;
  const server = createServer((req, res) =>
    middleware?.(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`code2lora CORS proxy: requests go to ${fromEnv.pathPrefix}/<host>/<repository>\n`);
    }),
  );
  server.listen(port, values.listen, () => {
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const origins = proxyOptions(overrides).allowedOrigins;
    // Without this check any name pointing here (DNS rebinding, a forged Host) would count as the proxy's own
    // origin, and its pages would get CORS access.
    const options = proxyOptions({ ...overrides, allowedHostHeaders: hostHeadersFor(values.listen, bound, origins, splitList(values['public-host'])) });
    middleware = createProxyMiddleware(options);
    console.log(`code2lora CORS proxy on http://${values.listen}:${bound}${options.pathPrefix}`);
    console.log(`  hosts:   ${options.allowedHosts.join(', ') || '(none)'}`);
    console.log(`  names:   ${(options.allowedHostHeaders ?? []).join(', ')}`);
    console.log(`  origins: ${options.allowedOrigins.join(', ') || '(same-origin only)'}`);
    if (options.allowLoopback) console.log('  TEST MODE: loopback hosts allowed over http');
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
