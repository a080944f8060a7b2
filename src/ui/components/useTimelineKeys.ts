import { useEffect } from 'react';
import { useAppStore } from '../store/index.ts';

/** Elements that keep their own keys: text fields, the slider (arrows move it), the editor. */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('input, textarea, select, .cm-editor')) return true;
  // Space on a focused button presses that button.
  return key === ' ' && target.closest('button') !== null;
}

/**
 * The timeline's keys while it is shown: Left/Right step, Home/End jump to the oldest/newest commit, Space plays
 * or pauses. The controls carry the same shortcuts in aria-keyshortcuts.
 */
export function useTimelineKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.altKey || e.ctrlKey || e.metaKey || ownsKeys(e.target, e.key)) return;
      const { timeline, timelineIndex, stepTo, togglePlay, phase } = useAppStore.getState();
      if (timeline.length === 0 || phase !== 'ready') return;
      const go: Record<string, () => void> = {
        ArrowLeft: () => void stepTo(timelineIndex - 1),
        ArrowRight: () => void stepTo(timelineIndex + 1),
        Home: () => void stepTo(0),
        End: () => void stepTo(timeline.length - 1),
        ' ': togglePlay,
      };
      const action = go[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
