/// <reference lib="webworker" />
import * as ort from 'onnxruntime-web';
import type { CompletionResult, Method } from '../../engine/completer/api.ts';
import { runBenchmark } from '../../engine/completer/benchmark.ts';
import { Completer } from '../../engine/completer/completer.ts';
import { MemoryVectorCache } from '../../engine/completer/vector-cache.ts';
import { describeError } from '../../engine/errors.ts';
import { ModelHost } from '../../engine/model-host.ts';
import { configureOrtForBrowser } from '../../engine/ort-browser-env.ts';
import type { BenchReply, BenchRequest, CompletionReport } from './protocol.ts';

configureOrtForBrowser();

async function completeAll(host: ModelHost, completer: Completer, input: BenchRequest['input']): Promise<CompletionReport> {
  const hasStatic = Boolean(completer.state.manifest.files.hypernet_static);
  const adapterId = hasStatic ? (await completer.adapterFromFiles(input.files)).id : undefined;
  const available: Method[] = hasStatic ? ['base', 'static', 'rag'] : ['base', 'rag'];
  const methods = available.filter((m) => !input.methods || input.methods.includes(m));
  const completions: CompletionResult[] = [];
  for (const prefix of input.prefixes) {
    for (const method of methods) {
      completions.push(await completer.complete({ prefix, method, adapterId, ragFiles: input.files, maxNewTokens: input.maxNewTokens }));
    }
  }
  return { completions, residents: host.residentLocations() };
}

self.onmessage = async (event: MessageEvent<BenchRequest>) => {
  const { mode, backend, manifestUrl, input } = event.data;
  let reply: BenchReply;
  try {
    const host = new ModelHost();
    await host.init(backend);
    const completer = new Completer(host, new MemoryVectorCache());
    const start = performance.now();
    await completer.prepare(manifestUrl);
    const prepareMs = performance.now() - start;
    if (mode === 'complete') {
      const report = await completeAll(host, completer, input);
      reply = { ok: true, backend: host.backend(), wasmThreads: ort.env.wasm.numThreads ?? 1, prepareMs, report };
    } else {
      const figures = await runBenchmark(completer, input);
      reply = { ok: true, backend: host.backend(), wasmThreads: ort.env.wasm.numThreads ?? 1, prepareMs, figures };
    }
    await host.dispose();
  } catch (error) {
    reply = { ok: false, error: describeError(error) };
  }
  self.postMessage(reply);
};
