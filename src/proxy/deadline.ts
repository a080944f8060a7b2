/**
 * One request's overall deadline. The idle timer alone cannot end every request: it is paused while the client
 * applies backpressure (a client that stops reading would hold the upstream connection for ever), and an
 * upstream that trickles a byte now and then never goes silent.
 */

export class DeadlineExceededError extends Error {}

export interface Deadline {
  /** Aborts, with a DeadlineExceededError as its reason, `ms` after the deadline was started. */
  signal: AbortSignal;
  /** Stops the clock (the request finished first). */
  clear(): void;
}

export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError(`request took over ${ms} ms`)), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
