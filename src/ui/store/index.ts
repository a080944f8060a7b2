import { create } from 'zustand';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice.ts';
import { createRepoSlice, type RepoSlice } from './repoSlice.ts';

/** One store made of slices; each slice owns one concern of the app. */
export type AppState = SettingsSlice & RepoSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createSettingsSlice(...a),
  ...createRepoSlice(...a),
}));
