/**
 * Bounds the DNS look-ups running at once. `dns.lookup` runs getaddrinfo on one of libuv's worker threads (4 by
 * default, shared with file access), and a caller that stops waiting cannot take the thread back: the look-up
 * runs until the system resolver gives up. Unbounded, 200 requests for a slow name once held every thread and
 * made later requests wait 15 s. Here a look-up keeps its slot until it really ends, callers wait in a bounded
 * queue, and past the queue's limit they are refused at once.
 */

export class LookupQueueFullError extends Error {}

interface Waiter {
  start(): void;
}

export class LookupQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {}

  get lookupsRunning(): number {
    return this.running;
  }

  get lookupsWaiting(): number {
    return this.waiting.length;
  }

  /**
   * Runs `lookup` when a slot is free. Rejects with LookupQueueFullError when the queue is full, and with the
   * signal's reason once `signal` aborts (a waiting caller leaves the queue; a running look-up keeps its slot).
   */
  run<T>(lookup: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        start: () => {
          this.running++;
          new Promise<T>((settle) => settle(lookup())) // a look-up that throws at once still frees its slot
            .then(resolve, reject)
            .finally(() => {
              signal.removeEventListener('abort', onAbort);
              this.running--;
              this.waiting.shift()?.start();
            });
        },
      };
      if (this.running < this.maxRunning) {
        waiter.start();
      } else if (this.waiting.length < this.maxWaiting) {
        this.waiting.push(waiter);
      } else {
        reject(new LookupQueueFullError(`${this.running} DNS look-ups running and ${this.waiting.length} waiting`));
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
