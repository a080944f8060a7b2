/// <reference lib="webworker" />
import { runBenchmark } from '../../engine/completer/benchmark.ts';
import { Completer } from '../../engine/completer/completer.ts';
import { MemoryVectorCache } from '../../engine/completer/vector-cache.ts';
import { describeError } from '../../engine/errors.ts';
import { ModelHost } from '../../engine/model-host.ts';
import { configureOrtForBrowser } from '../../engine/ort-browser-env.ts';
import type { BenchReply, BenchRequest } from './protocol.ts';

configureOrtForBrowser();

self.onmessage = async (event: MessageEvent<BenchRequest>) => {
  const { backend, manifestUrl, input } = event.data;
  let reply: BenchReply;
  try {
    const host = new ModelHost();
    const choice = await host.init(backend);
    const completer = new Completer(host, new MemoryVectorCache());
    const start = performance.now();
    await completer.prepare(manifestUrl);
    const prepareMs = performance.now() - start;
    const figures = await runBenchmark(completer, input);
    reply = { ok: true, backend: host.backend() ?? choice, figures, prepareMs };
    await host.dispose();
  } catch (error) {
    reply = { ok: false, error: describeError(error) };
  }
  self.postMessage(reply);
};
