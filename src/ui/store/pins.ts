import type { ExtractedTask } from '../../core/tasks/types.ts';

/** A pinned assertion's identity: its site in the repository (file, line, column of the target). */
export function pinKey(task: Pick<ExtractedTask, 'path' | 'line' | 'column'>): string {
  return `${task.path}:${task.line}:${task.column}`;
}

/** The cache key of one pinned assertion's Evo completion at one timeline step (the step's commit). */
export function pinResultKey(commit: string, pin: string): string {
  return `${commit}|${pin}`;
}

/** Whether a pinned completion changed since the previous step: null until both are done. */
export function pinChange(
  now: { status: string; text: string } | undefined,
  before: { status: string; text: string } | undefined,
): 'changed' | 'same' | null {
  if (now?.status !== 'done' || before?.status !== 'done') return null;
  return now.text === before.text ? 'same' : 'changed';
}
