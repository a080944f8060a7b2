import type { StateCreator } from 'zustand';
import type { ExtractedTask } from '../../core/tasks/types.ts';
import { pinKey } from './pins.ts';
import type { AppState } from './index.ts';

/** Assertions the user pinned (in the Code tab) to watch across the Evo timeline. */
export interface PinSlice {
  pins: ExtractedTask[];
  togglePin(task: ExtractedTask): void;
  isPinned(task: ExtractedTask): boolean;
  clearPins(): void;
}

export const createPinSlice: StateCreator<AppState, [], [], PinSlice> = (set, get) => ({
  pins: [],

  togglePin(task) {
    const key = pinKey(task);
    const pins = get().pins;
    set({ pins: pins.some((p) => pinKey(p) === key) ? pins.filter((p) => pinKey(p) !== key) : [...pins, task] });
    // A new pin needs its completions at the step shown.
    if (get().timeline.length > 0) void get().runTimeline();
  },

  isPinned(task) {
    const key = pinKey(task);
    return get().pins.some((p) => pinKey(p) === key);
  },

  clearPins() {
    set({ pins: [] });
  },
});
