/**
 * The CORS proxy as a standalone server, for deployments where the app is served as static files:
 *   npm run proxy -- --port 8787 --allow-host example.org --origin http://localhost:5173
 * The app then clones with `corsProxy: 'http://<this host>:8787/cors'`. Environment variables (config.ts PROXY_ENV)
 * apply first; flags add to them.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { proxyOptions, proxyOptionsFromEnv, PROXY_ENV, type ProxyOptions } from '../proxy/config.ts';
import { createProxyMiddleware } from '../proxy/middleware.ts';

const USAGE = `Usage: npm run proxy -- [options]
  --port N              port to listen on (default 8787)
  --listen ADDRESS      address to bind (default 127.0.0.1)
  --allow-host HOST     add a git host to the allowlist (repeatable, or comma-separated)
  --no-default-hosts    drop the default hosts (github.com, gitlab.com, codeberg.org, bitbucket.org)
  --origin ORIGIN       an app origin allowed to call the proxy, e.g. http://localhost:5173 (repeatable)
  --max-response-mb N   largest upstream response forwarded (default 200)
  --allow-loopback      TEST ONLY: allow 127.0.0.1/localhost over http (for a local fixture git server)
Environment: ${Object.values(PROXY_ENV).join(', ')}`;

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      listen: { type: 'string', default: '127.0.0.1' },
      'allow-host': { type: 'string', multiple: true },
      'no-default-hosts': { type: 'boolean', default: false },
      origin: { type: 'string', multiple: true },
      'max-response-mb': { type: 'string' },
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
    const mb = Number(values['max-response-mb']);
    if (!(mb > 0)) throw new Error(`--max-response-mb: not a positive number: ${values['max-response-mb']}`);
    overrides.maxResponseBytes = Math.round(mb * 1024 * 1024);
  }
  const options = proxyOptions(overrides);

  const middleware = createProxyMiddleware(options);
  const server = createServer((req, res) =>
    middleware(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`code2lora CORS proxy: requests go to ${options.pathPrefix}/<host>/<repository>\n`);
    }),
  );
  server.listen(port, values.listen, () => {
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    console.log(`code2lora CORS proxy on http://${values.listen}:${bound}${options.pathPrefix}`);
    console.log(`  hosts:   ${options.allowedHosts.join(', ') || '(none)'}`);
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
