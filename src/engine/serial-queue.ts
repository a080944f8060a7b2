/**
 * Runs async tasks one at a time in call order. An onnxruntime session must not run twice at once (and GPU
 * tensors it hands out must not be read mid-run), so every use of a session goes through its queue. A failed
 * task does not stop the ones after it.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const result = this.tail.then(task).finally(() => {
      this.waiting -= 1;
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.waiting;
  }
}
