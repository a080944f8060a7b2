import type { GitProgressEvent } from 'isomorphic-git';
import type { CloneProgress, CloneStage } from './types.ts';

/**
 * Phases isomorphic-git emits itself, after the pack has arrived (indexing it is the CPU-heavy part). The
 * others are the server's own progress lines ("Enumerating objects", "Counting objects", ...).
 */
const CLIENT_PHASES = new Set(['Receiving objects', 'Resolving deltas', 'Analyzing workdir', 'Updating workdir']);

export function isClientPhase(phase: string): boolean {
  return CLIENT_PHASES.has(phase);
}

/** Maps a phase of isomorphic-git (or of the server) to our stages. */
export function toCloneProgress(event: GitProgressEvent): CloneProgress {
  const { phase } = event;
  let stage: CloneStage;
  let message = phase;
  if (phase === 'Receiving objects') {
    // isomorphic-git reports this while it indexes the downloaded pack, not while bytes arrive.
    stage = 'resolving';
    message = 'Indexing objects';
  } else if (/resolv/i.test(phase)) {
    stage = 'resolving';
  } else if (/workdir|checkout/i.test(phase)) {
    stage = 'checkout';
  } else if (/enumerat|count|compress/i.test(phase)) {
    stage = 'counting';
  } else {
    stage = 'receiving';
  }
  return { stage, loaded: event.loaded, total: event.total ?? 0, message };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Download progress from the byte counter, sent at most once per step of `stepBytes` to spare the message channel. */
export function byteProgressReporter(
  emit: (p: CloneProgress) => void,
  stepBytes = 256 * 1024,
): (received: number) => void {
  let last = -stepBytes;
  return (received) => {
    if (received - last < stepBytes) return;
    last = received;
    emit({ stage: 'receiving', loaded: received, total: 0, message: `Receiving ${formatBytes(received)}` });
  };
}
