import { useState, type ReactElement } from 'react';
import { strToU8, zipSync } from 'fflate';
import type { AdapterFiles } from '../../core/adapters/index.ts';
import { completerService } from '../services/completer.ts';
import { describeError, type UserError } from '../errors.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { useAppStore } from '../store/index.ts';
import { ErrorNote } from './ErrorNote.tsx';

function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The click has handed the blob to the download; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The PEFT folder (adapter_model.safetensors, adapter_config.json) as one zip. */
function peftZip(files: AdapterFiles): Uint8Array {
  return zipSync({ 'adapter_model.safetensors': files.safetensors, 'adapter_config.json': strToU8(files.adapterConfig) }, { level: 0 });
}

/**
 * Saves the adapter the completions use as files other tools load next to the same pretrained base: a GGUF LoRA
 * for llama.cpp (`llama-cli -m <base>.gguf --lora <file>`) and a PEFT folder. Shown for a pretrained base only;
 * today that is the single shared LoRA (no hypernetwork is trained on the base yet).
 */
export function SaveAdapter(): ReactElement | null {
  const repo = useAppStore((s) => s.activeRepo);
  const ready = useAppStore((s) => s.phase === 'ready');
  const preparedSet = useAppStore((s) => s.preparedSet);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserError | null>(null);
  if (!repo || !preparedSet || !MODEL_SETS[preparedSet].methods.includes('single')) return null;

  const save = async (format: 'gguf' | 'peft'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const files = await completerService().adapterFiles('single', { repository: repo.name, commit: repo.head });
      if (format === 'gguf') download(files.gguf, `${files.stem}.gguf`, 'application/octet-stream');
      else download(peftZip(files), `${files.stem}-peft.zip`, 'application/zip');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="save-adapter" aria-labelledby="save-adapter-heading">
      <h3 id="save-adapter-heading">Take the adapter with you</h3>
      <p className="muted">The single shared LoRA, as files that load next to the same base (SmolLM2-135M-Instruct) in other tools.</p>
      <div className="row">
        <button type="button" className="secondary" disabled={!ready || busy} onClick={() => void save('gguf')}>GGUF for llama.cpp</button>
        <button type="button" className="secondary" disabled={!ready || busy} onClick={() => void save('peft')}>PEFT folder (zip)</button>
      </div>
      {error && <ErrorNote title="The adapter could not be saved" error={error} />}
    </section>
  );
}
