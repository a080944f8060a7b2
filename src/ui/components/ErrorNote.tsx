import type { ReactElement } from 'react';
import type { UserError } from '../errors.ts';

export function ErrorNote({ error, title }: { error: UserError; title: string }): ReactElement {
  return (
    <div className="error-note" role="alert" data-error-code={error.code}>
      <strong>{title}</strong>
      <p>{error.message}</p>
    </div>
  );
}
