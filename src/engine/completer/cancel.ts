import { ModelError } from '../errors.ts';

/** A cancellation flag shared by the call in flight and cancel(); checked between model runs. */
export class CancelToken {
  private cancelled = false;

  cancel(): void {
    this.cancelled = true;
  }

  throwIfCancelled(): void {
    if (this.cancelled) throw new ModelError('cancelled', 'cancelled');
  }
}
