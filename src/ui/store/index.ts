import { create } from 'zustand';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice.ts';
import { createRepoSlice, type RepoSlice } from './repoSlice.ts';
import { createEngineSlice, type EngineSlice } from './engineSlice.ts';
import { createCompletionSlice, type CompletionSlice } from './completionSlice.ts';
import { createTimelineSlice, type TimelineSlice } from './timelineSlice.ts';
import { createScoreSlice, type ScoreSlice } from './scoreSlice.ts';
import { createPinSlice, type PinSlice } from './pinSlice.ts';

/** One store made of slices; each slice owns one concern of the app. */
export type AppState = SettingsSlice & RepoSlice & EngineSlice & CompletionSlice & TimelineSlice & ScoreSlice & PinSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createSettingsSlice(...a),
  ...createRepoSlice(...a),
  ...createEngineSlice(...a),
  ...createCompletionSlice(...a),
  ...createTimelineSlice(...a),
  ...createScoreSlice(...a),
  ...createPinSlice(...a),
}));
