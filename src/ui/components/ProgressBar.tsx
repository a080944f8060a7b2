import type { ReactElement } from 'react';

interface Props {
  label: string;
  loaded: number;
  /** 0 when unknown: the bar is then indeterminate. */
  total: number;
  detail?: string;
}

export function ProgressBar({ label, loaded, total, detail }: Props): ReactElement {
  const known = total > 0;
  const percent = known ? Math.min(100, Math.round((loaded / total) * 100)) : undefined;
  return (
    <div className="progress" role="group" aria-label={label}>
      <div className="progress-label">
        <span>{label}</span>
        <span className="progress-detail">{detail ?? (known ? `${loaded} / ${total}` : `${loaded}`)}</span>
      </div>
      <progress aria-label={`${label} progress`} max={known ? 100 : undefined} value={percent} />
    </div>
  );
}
