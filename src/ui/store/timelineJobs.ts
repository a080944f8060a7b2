import type { AdapterSummary, EncodeProgress } from '../../engine/completer/api.ts';
import { completerService } from '../services/completer.ts';
import { DEFAULT_LIMITS, RepoContentError, readPythonFiles } from '../services/repoFiles.ts';
import { describeError } from '../errors.ts';
import { evoStepInput } from './evoStepInput.ts';
import { pinKey, pinResultKey } from './pins.ts';
import type { PinCompletion, TimelineJob } from './timelinePlan.ts';
import type { AppState } from './index.ts';

/** What a job may touch: the store, guarded so that a job outliving its timeline (repository closed) writes nothing. */
export interface JobContext {
  repoId: string;
  get(): AppState;
  /** Applies `update` only while the timeline the job belongs to is still the one shown. */
  update(update: (s: AppState) => Partial<AppState>): void;
}

function setStepAdapter(ctx: JobContext, index: number, evo: AdapterSummary): void {
  ctx.update((s) => ({ timeline: s.timeline.map((t, i) => (i === index ? { ...t, evo } : t)) }));
}

function setPinResult(ctx: JobContext, key: string, result: PinCompletion | null): void {
  ctx.update((s) => {
    const pinResults = { ...s.pinResults };
    if (result) pinResults[key] = result;
    else delete pinResults[key];
    return { pinResults };
  });
}

const onEncode = (ctx: JobContext) => (timelineEncode: EncodeProgress) => ctx.update(() => ({ timelineEncode }));

/** z_0: the Evo state of the snapshot at the timeline's oldest commit (its production files encoded first). */
async function startJob(ctx: JobContext): Promise<void> {
  const s = ctx.get();
  const first = s.timeline[0];
  if (!first) return;
  const limits = { ...DEFAULT_LIMITS, maxPythonFiles: s.settings.maxPythonFiles, maxPythonBytes: s.settings.maxPythonBytes };
  // An oldest commit without production code starts from the empty snapshot.
  const production = await readPythonFiles(ctx.repoId, first.commit.oid, limits).then(
    (files) => files.production,
    (e: unknown) => {
      if (e instanceof RepoContentError && e.code === 'no-python') return [];
      throw e;
    },
  );
  const engine = completerService();
  await engine.encodeFiles(production, onEncode(ctx));
  setStepAdapter(ctx, 0, await engine.evoStart(production));
}

/** One Evo step across commit `index`: its changed production files, read as changes, from the previous state. */
async function stepJob(ctx: JobContext, index: number): Promise<void> {
  const { timeline } = ctx.get();
  const step = timeline[index];
  const from = timeline[index - 1]?.evo;
  if (!step || !from) return;
  const input = evoStepInput(step.commit.oid, step.productionChanges);
  const engine = completerService();
  if (input.files.length > 0) await engine.encodeFiles(input.files, onEncode(ctx));
  setStepAdapter(ctx, index, await engine.evoStep(from.id, input));
}

/** A pinned assertion completed with the Evo adapter of step `index`. */
async function pinJob(ctx: JobContext, index: number, pin: string): Promise<void> {
  const s = ctx.get();
  const step = s.timeline[index];
  const task = s.pins.find((p) => pinKey(p) === pin);
  if (!step?.evo || !task) return;
  const key = pinResultKey(step.commit.oid, pin);
  setPinResult(ctx, key, { status: 'running', text: '', error: null });
  // Streamed text comes over its own message port: an update arriving after the result is dropped.
  let settled = false;
  try {
    const result = await completerService().complete({ prefix: task.prefix, method: 'evo', adapterId: step.evo.id }, (text) => {
      if (!settled) setPinResult(ctx, key, { status: 'running', text, error: null });
    });
    settled = true;
    setPinResult(ctx, key, { status: 'done', text: result.text, error: null });
  } catch (e) {
    settled = true;
    const error = describeError(e);
    // A cancelled completion is not a result: it is done again when the user carries on.
    setPinResult(ctx, key, error.code === 'cancelled' ? null : { status: 'failed', text: '', error });
    if (error.code === 'cancelled') throw e;
  }
}

export function runTimelineJob(job: TimelineJob, ctx: JobContext): Promise<void> {
  switch (job.kind) {
    case 'start':
      return startJob(ctx);
    case 'step':
      return stepJob(ctx, job.index);
    case 'pin':
      return pinJob(ctx, job.index, job.pin);
  }
}
