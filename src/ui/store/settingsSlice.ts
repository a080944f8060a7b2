import type { StateCreator } from 'zustand';
import type { BackendPreference } from '../../engine/types.ts';
import type { AppState } from './index.ts';
import { DEFAULT_LIMITS } from '../services/repoFiles.ts';
import { isModelSetId, type ModelSetId } from '../modelSets.ts';

export interface Settings {
  /** Prefix of our CORS proxy; isomorphic-git appends the remote URL without its scheme. */
  corsProxy: string;
  /** Commits fetched by a clone; Evo deepens on demand. */
  cloneDepth: number;
  backend: BackendPreference;
  /** The graphs WASM runs where a set offers both: 8-bit (less memory) or float32 (the completions measured). */
  wasmWeights: WasmWeights;
  /** Which models complete (src/ui/modelSets.ts). */
  modelSet: ModelSetId;
  /** Size limits of what the browser encodes. */
  maxPythonFiles: number;
  maxPythonBytes: number;
}

export type WasmWeights = 'int8' | 'float32';

export function isWasmWeights(value: unknown): value is WasmWeights {
  return value === 'int8' || value === 'float32';
}

export interface SettingsSlice {
  settings: Settings;
  updateSettings(patch: Partial<Settings>): void;
}

const STORAGE_KEY = 'code2lora.settings';

function defaultSettings(): Settings {
  return {
    corsProxy: `${globalThis.location?.origin ?? ''}/cors`,
    cloneDepth: 50,
    backend: 'auto',
    wasmWeights: 'int8',
    modelSet: 'code2lora',
    maxPythonFiles: DEFAULT_LIMITS.maxPythonFiles,
    maxPythonBytes: DEFAULT_LIMITS.maxPythonBytes,
  };
}

/** The settings kept in this browser, over the defaults. */
export function loadSettings(): Settings {
  const defaults = defaultSettings();
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return defaults;
    const parsed = JSON.parse(raw) as Partial<Settings>;
    const merged = { ...defaults, ...parsed };
    // A value this build does not know (an older or newer app wrote it) falls back to the default.
    return {
      ...merged,
      modelSet: isModelSetId(merged.modelSet) ? merged.modelSet : defaults.modelSet,
      wasmWeights: isWasmWeights(merged.wasmWeights) ? merged.wasmWeights : defaults.wasmWeights,
    };
  } catch {
    return defaults;
  }
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set, get) => ({
  settings: loadSettings(),
  updateSettings(patch) {
    const before = get().settings;
    const settings = { ...before, ...patch };
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(settings));
    // The worker starts with the backend and the weights: the next repository opened starts it again with these.
    const restart = settings.backend !== before.backend || settings.wasmWeights !== before.wasmWeights;
    set(restart ? { settings, modelsReady: false, preparedSet: null } : { settings });
  },
});
