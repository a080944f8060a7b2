import type { ReactElement } from 'react';
import { useAppStore } from '../store/index.ts';
import { METHODS, METHOD_LABEL } from '../store/completionSlice.ts';

export function ModeSwitch(): ReactElement {
  const method = useAppStore((s) => s.method);
  const setMethod = useAppStore((s) => s.setMethod);
  return (
    <div className="mode-switch" role="radiogroup" aria-label="Completion mode">
      {METHODS.map((m) => (
        <label key={m} className={m === method ? 'mode selected' : 'mode'}>
          <input type="radio" name="mode" value={m} checked={m === method} onChange={() => setMethod(m)} />
          {METHOD_LABEL[m]}
        </label>
      ))}
    </div>
  );
}
