/// <reference lib="webworker" />
/**
 * The model worker: the one thread that owns onnxruntime-web, every session and every GPU tensor.
 * It exposes src/engine/api.ts ModelWorkerApi through comlink; outputs go back as transferred buffers.
 */
import { expose, transfer } from 'comlink';
import type { ModelWorkerApi } from '../engine/api.ts';
import { installModelErrorTransfer } from '../engine/comlink-errors.ts';
import { ModelHost } from '../engine/model-host.ts';
import { configureOrtForBrowser } from '../engine/ort-browser-env.ts';
import { buffersOf } from '../engine/tensors-transfer.ts';

installModelErrorTransfer();
configureOrtForBrowser();

const host = new ModelHost();

const api: ModelWorkerApi = {
  init: (preference) => host.init(preference),
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
};

expose(api);
