import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import type { BackendPreference } from '../../engine/types.ts';
import { bytesToMiB, mibToBytes } from './mebibytes.ts';

/** Backend, proxy, clone depth and size limits; kept in localStorage. */
export function SettingsPanel(): ReactElement {
  const settings = useAppStore((s) => s.settings);
  const update = useAppStore((s) => s.updateSettings);
  const backend = useAppStore((s) => s.backend);
  return (
    <section className="card settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <label>
        Backend
        <select aria-label="Backend preference" value={settings.backend} onChange={(e) => update({ backend: e.target.value as BackendPreference })}>
          <option value="auto">Auto (WebGPU on a hardware GPU, else WASM)</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM</option>
        </select>
      </label>
      <p className="muted" role="status" aria-label="Current backend reason">
        {backend ? `Now: ${backend.backend === 'webgpu' ? 'WebGPU' : 'WASM'}: ${backend.reason}` : 'The model worker starts when a repository opens.'}
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
      <p className="muted">Changes to the backend apply to the next repository you open (or after a reload).</p>
    </section>
  );
}
