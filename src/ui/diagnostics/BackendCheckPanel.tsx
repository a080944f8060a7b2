import { useEffect, useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { ModelClient } from '../../engine/client.ts';
import { graphNames } from '../../engine/manifest.ts';
import type { BackendChoice, BackendPreference, LoadProgress } from '../../engine/types.ts';
import { describeError, type UserError } from '../errors.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { defaultGraph, defaultManifestUrl } from './manifest-url.ts';
import { runBackendCheck, type CheckResult } from './run-check.ts';
import { CheckResultView } from './CheckResultView.tsx';
import './backend-check.css';

const BACKEND_LABEL = { webgpu: 'WebGPU', wasm: 'WASM' } as const;

interface Props {
  /** Backend preference for the check's own model worker (the app's setting). */
  preference?: BackendPreference;
}

/**
 * "Backend check": which backend the model worker runs on and why, and whether WebGPU and WASM give the same
 * outputs for a graph of a manifest (deterministic inputs, max abs difference per output). It runs its own model
 * worker, so it can be mounted anywhere without touching the app's engine.
 */
export function BackendCheckPanel({ preference = 'auto' }: Props): ReactElement {
  const headingId = useId();
  const urlId = useId();
  const graphId = useId();
  const clientRef = useRef<ModelClient | null>(null);
  const [choice, setChoice] = useState<BackendChoice | null>(null);
  const [manifestUrl, setManifestUrl] = useState(() => defaultManifestUrl());
  const [graphs, setGraphs] = useState<string[]>([]);
  const [graph, setGraph] = useState<string>('');
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [busy, setBusy] = useState<'manifest' | 'check' | null>(null);
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<{ title: string; error: UserError } | null>(null);

  useEffect(() => {
    const client = new ModelClient();
    clientRef.current = client;
    let live = true;
    // A new worker has no manifest loaded: what the previous one showed no longer applies.
    setChoice(null);
    setGraphs([]);
    setResult(null);
    void client.subscribe((event) => {
      if (live && event.kind === 'backend-changed') setChoice(event.choice);
    });
    client.init(preference).then(
      (c) => live && setChoice(c),
      (e: unknown) => live && setError({ title: 'The model worker did not start', error: describeError(e) }),
    );
    return () => {
      live = false;
      clientRef.current = null;
      void client.dispose();
    };
  }, [preference]);

  async function loadManifest(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    const client = clientRef.current;
    if (!client) return;
    setBusy('manifest');
    setError(null);
    setResult(null);
    setGraphs([]);
    try {
      const manifest = await client.loadManifest(new URL(manifestUrl, location.href).href, setProgress);
      const names = graphNames(manifest);
      setGraphs(names);
      const wanted = defaultGraph();
      setGraph(wanted && names.includes(wanted) ? wanted : (names[0] ?? ''));
    } catch (e) {
      setError({ title: 'Could not load the manifest', error: describeError(e) });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  }

  async function runCheck(): Promise<void> {
    const client = clientRef.current;
    if (!client || !choice || !graph) return;
    setBusy('check');
    setError(null);
    setResult(null);
    try {
      setResult(await runBackendCheck(client, graph, choice));
    } catch (e) {
      setError({ title: `Could not run ${graph}`, error: describeError(e) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card backend-check" aria-labelledby={headingId}>
      <h2 id={headingId}>Backend check</h2>
      <p role="status" aria-label="Current backend" data-backend={choice?.backend ?? ''} data-reason-code={choice?.reasonCode ?? ''}>
        {choice ? (
          <>
            <strong>{BACKEND_LABEL[choice.backend]}</strong>: {choice.reason}
          </>
        ) : (
          'Starting the model worker…'
        )}
      </p>
      <form className="check-form" onSubmit={(e) => void loadManifest(e)}>
        <label htmlFor={urlId}>Manifest URL</label>
        <input id={urlId} value={manifestUrl} onChange={(e) => setManifestUrl(e.target.value)} spellCheck={false} />
        <button type="submit" disabled={busy !== null || !choice}>
          Load manifest
        </button>
      </form>
      {progress && (
        <ProgressBar
          label={`Downloading ${progress.name}`}
          loaded={progress.loaded}
          total={progress.total}
          detail={`${progress.loaded} / ${progress.total} bytes (${progress.source})`}
        />
      )}
      {graphs.length > 0 && (
        <div className="check-form">
          <label htmlFor={graphId}>Graph</label>
          <select id={graphId} value={graph} onChange={(e) => setGraph(e.target.value)}>
            {graphs.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => void runCheck()} disabled={busy !== null || !graph}>
            Run on both backends
          </button>
        </div>
      )}
      {busy === 'check' && <p className="muted">Running {graph}… (WebGPU on a software adapter is slow.)</p>}
      {result && <CheckResultView result={result} />}
      {error && <ErrorNote title={error.title} error={error.error} />}
    </section>
  );
}
