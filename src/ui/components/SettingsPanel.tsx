import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import type { BackendPreference } from '../../engine/types.ts';
import { bytesToMiB, mibToBytes } from './mebibytes.ts';
import { backendLabel } from './backendLabel.ts';
import { MODEL_SETS, MODEL_SET_IDS, isModelSetId } from '../modelSets.ts';
import { isWasmWeights } from '../store/settingsSlice.ts';

/** Models, backend, proxy, clone depth and size limits; kept in localStorage. */
export function SettingsPanel(): ReactElement {
  const settings = useAppStore((s) => s.settings);
  const update = useAppStore((s) => s.updateSettings);
  const backend = useAppStore((s) => s.backend);
  const switchModelSet = useAppStore((s) => s.switchModelSet);
  return (
    <section className="card settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <label>
        Models
        <select aria-label="Models" value={settings.modelSet}
          onChange={(e) => isModelSetId(e.target.value) && void switchModelSet(e.target.value)}>
          {MODEL_SET_IDS.map((id) => <option key={id} value={id}>{MODEL_SETS[id].label}</option>)}
        </select>
      </label>
      <p className="muted">
        The pretrained base completes far more assertions (its scores show beside each mode) but has no hypernetwork
        yet; it is fetched (about 100 MB) when a repository first opens with it, then kept for offline use.
      </p>
      <label>
        Backend
        <select aria-label="Backend preference" value={settings.backend} onChange={(e) => update({ backend: e.target.value as BackendPreference })}>
          <option value="auto">Auto (WebGPU on a hardware GPU, else WASM)</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM</option>
        </select>
      </label>
      <label>
        Weights on WASM
        <select aria-label="Weights on WASM" value={settings.wasmWeights}
          onChange={(e) => isWasmWeights(e.target.value) && update({ wasmWeights: e.target.value })}>
          <option value="int8">8-bit (about half the memory, sooner to the first completion)</option>
          <option value="float32">Float32 (the completions measured in results.json)</option>
        </select>
      </label>
      <p className="muted">
        The pretrained base on WASM: its 8-bit graph writes the float model's completion for 85% of CR val tasks in
        the default mode (exact match within a point, models/base/INT8.md); the float32 graph writes it for all of
        them, with about 2.2 GB of memory against 1.2. WebGPU runs its 4-bit graph either way.
      </p>
      <p className="muted" role="status" aria-label="Current backend reason">
        {backend ? `Now: ${backendLabel(backend)}: ${backend.reason}` : 'The model worker starts when a repository opens.'}
      </p>
      <label>
        CORS proxy
        <input type="text" aria-label="CORS proxy" value={settings.corsProxy} onChange={(e) => update({ corsProxy: e.target.value })} spellCheck={false} />
      </label>
      <label>
        Clone depth (commits)
        <input type="number" aria-label="Clone depth" min={1} max={10000} value={settings.cloneDepth}
          onChange={(e) => update({ cloneDepth: Math.max(1, Number(e.target.value) || 1) })} />
      </label>
      <label>
        Largest number of Python files
        <input type="number" aria-label="Python file limit" min={1} value={settings.maxPythonFiles}
          onChange={(e) => update({ maxPythonFiles: Math.max(1, Number(e.target.value) || 1) })} />
      </label>
      <label>
        Largest total Python size (MiB)
        <input type="number" aria-label="Python size limit" min={1} value={bytesToMiB(settings.maxPythonBytes)}
          onChange={(e) => update({ maxPythonBytes: mibToBytes(e.target.value) })} />
      </label>
      <p className="muted">Changes to the backend or the weights apply to the next repository you open (or after a reload).</p>
    </section>
  );
}
