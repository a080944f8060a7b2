/** What each stage of a clone or fetch is called on screen. */
export const CLONE_STAGE_LABEL: Readonly<Record<string, string>> = {
  connecting: 'Connecting',
  counting: 'Counting objects',
  receiving: 'Receiving objects',
  resolving: 'Resolving deltas',
  checkout: 'Checking out',
  done: 'Done',
};
