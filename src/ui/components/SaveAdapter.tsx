import { useState, type ReactElement } from 'react';
import { strToU8, zipSync } from 'fflate';
import { useShallow } from 'zustand/react/shallow';
import type { AdapterFiles } from '../../core/adapters/index.ts';
import { completerService } from '../services/completer.ts';
import { describeError, type UserError } from '../errors.ts';
import { MODEL_SETS } from '../modelSets.ts';
import { useAppStore, type AppState } from '../store/index.ts';
import { adapterToSave, type AdapterToSave } from '../store/adapterToSave.ts';
import { evoBlockReason } from '../store/evoAvailability.ts';
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

const DESCRIPTION: Record<AdapterToSave['method'], string> = {
  single: 'The single shared LoRA',
  static: "This repository's Code2LoRA-Static adapter",
  evo: 'The Code2LoRA-Evo adapter at this commit',
};

function selectAdapter(s: AppState): AdapterToSave | null {
  if (!s.activeRepo) return null;
  return adapterToSave({
    set: s.preparedSet ? MODEL_SETS[s.preparedSet] : null,
    method: s.method,
    staticAdapterId: s.staticAdapter?.id ?? null,
    evoBlocked: evoBlockReason(s) !== null,
    timeline: s.timeline,
    timelineIndex: s.timelineIndex,
    evoHead: s.evoHead,
    head: s.activeRepo.head,
  });
}

/**
 * Saves the adapter the completions use (Static, Evo at the Timeline's commit; otherwise the single shared LoRA) as
 * files other tools load next to the same pretrained base: a GGUF LoRA for llama.cpp
 * (`llama-cli -m <base>.gguf --lora <file>`) and a PEFT folder. Shown for a pretrained base only.
 */
export function SaveAdapter(): ReactElement | null {
  const repo = useAppStore((s) => s.activeRepo);
  const ready = useAppStore((s) => s.phase === 'ready');
  const adapter = useAppStore(useShallow(selectAdapter));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserError | null>(null);
  if (!repo || !adapter) return null;

  const save = async (format: 'gguf' | 'peft'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const files = await completerService().adapterFiles(adapter.id, { repository: repo.name, commit: adapter.commit });
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
      <p className="muted">{DESCRIPTION[adapter.method]}, as files that load next to the same base (SmolLM2-135M-Instruct) in other tools.</p>
      <div className="row">
        <button type="button" className="secondary" disabled={!ready || busy} onClick={() => void save('gguf')}>GGUF for llama.cpp</button>
        <button type="button" className="secondary" disabled={!ready || busy} onClick={() => void save('peft')}>PEFT folder (zip)</button>
      </div>
      {error && <ErrorNote title="The adapter could not be saved" error={error} />}
    </section>
  );
}
