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
  /** Which models complete (src/ui/modelSets.ts). */
  modelSet: ModelSetId;
  /** Size limits of what the browser encodes. */
  maxPythonFiles: number;
  maxPythonBytes: number;
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
    // A set this build does not know (an older or newer app wrote it) falls back to the default.
    return isModelSetId(merged.modelSet) ? merged : { ...merged, modelSet: defaults.modelSet };
  } catch {
    return defaults;
  }
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set, get) => ({
  settings: loadSettings(),
  updateSettings(patch) {
    const settings = { ...get().settings, ...patch };
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(settings));
    set({ settings });
  },
});
