/**
 * Runs async jobs one after another. SDP negotiation is a state machine: a second offer applied while the
 * first is still between setRemoteDescription and setLocalDescription would fail or, worse, interleave.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  /** Queues a job; a failing job is reported through the returned promise but never blocks the next one. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.closed) throw new Error("queue closed");
      return job();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Jobs still waiting are rejected instead of run. */
  close(): void {
    this.closed = true;
  }
}
