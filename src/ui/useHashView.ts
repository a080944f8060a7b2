import { useEffect, useState } from 'react';

export type View = 'main' | 'diagnostics';

function viewOf(hash: string): View {
  return hash === '#diagnostics' ? 'diagnostics' : 'main';
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
