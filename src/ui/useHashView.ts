import { useEffect, useState } from 'react';

export type View = 'main' | 'diagnostics' | 'settings';

function viewOf(hash: string): View {
  if (hash === '#diagnostics') return 'diagnostics';
  if (hash === '#settings') return 'settings';
  return 'main';
}

/** The app's page, kept in the URL hash so a reload or a link lands on the same page. */
export function useHashView(): View {
  const [view, setView] = useState<View>(() => viewOf(globalThis.location?.hash ?? ''));
  useEffect(() => {
    const onHash = (): void => setView(viewOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return view;
}
