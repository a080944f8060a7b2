/// <reference lib="webworker" />
/**
 * The model worker: the one thread that owns onnxruntime-web, every session and every GPU tensor.
 * It exposes the raw engine (src/engine/api.ts ModelWorkerApi) and, on the same ModelHost, the completer
 * (src/engine/completer/api.ts CompleterApi: encoding, adapters, streamed completion) through comlink;
 * outputs go back as transferred buffers.
 */
import { expose, transfer } from 'comlink';
import type { ModelWorkerFullApi } from '../engine/api.ts';
import { installModelErrorTransfer } from '../engine/comlink-errors.ts';
import { Completer } from '../engine/completer/completer.ts';
import { IdbVectorCache } from '../engine/completer/vector-cache-idb.ts';
import { ModelHost } from '../engine/model-host.ts';
import { configureOrtForBrowser } from '../engine/ort-browser-env.ts';
import { buffersOf } from '../engine/tensors-transfer.ts';

installModelErrorTransfer();
configureOrtForBrowser();

const host = new ModelHost();
const completer = new Completer(host, new IdbVectorCache());

const api: ModelWorkerFullApi = {
  init: (preference, options) => host.init(preference, options),
  backend: async () => host.backend(),
  subscribe: async (listener) => host.subscribe(listener),
  loadManifest: (url, onProgress) => host.loadManifest(url, onProgress),
  load: (name, options, onProgress) => host.load(name, options, onProgress),
  async readFile(name) {
    const bytes = await host.readFile(name);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  async run(name, feeds, options) {
    const outputs = await host.run(name, feeds, options);
    return transfer(outputs, buffersOf(outputs));
  },
  residentLocations: async () => host.residentLocations(),
  releaseResident: (names) => host.releaseResident(names),
  unload: (name, backend) => host.unload(name, backend),
  dispose: () => host.dispose(),

  prepare: (manifestUrl, onProgress) => completer.prepare(manifestUrl, onProgress),
  encodeFiles: (files, onProgress) => completer.encodeFiles(files, onProgress),
  adapterFromFiles: (files) => completer.adapterFromFiles(files),
  evoStart: (files) => completer.evoStart(files),
  evoStep: (fromAdapterId, step) => completer.evoStep(fromAdapterId, step),
  complete: (request, onText) => completer.complete(request, onText),
  cancel: () => completer.cancel(),
  async adapterFiles(id, source) {
    const files = await completer.adapterFiles(id, source);
    return transfer(files, [files.gguf.buffer as ArrayBuffer, files.safetensors.buffer as ArrayBuffer]);
  },
};

expose(api);
