/** At most `max` holders at once; the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Runs `work` once a place is free, and frees it however `work` ends. */
  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      // The place passes straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }

  get waiting(): number {
    return this.queue.length;
  }
}
