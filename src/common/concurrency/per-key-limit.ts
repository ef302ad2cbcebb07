/**
 * At most `max` concurrent holders per key (an organization), in this process. The resource it
 * protects, this process's tenant pool, is per process too, so a per-process count is the
 * right scope; a crashed request cannot leak a slot across restarts.
 */
export class PerKeyLimit {
  private readonly held = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A release function, or null when the key already has `max` holders. Releasing twice is harmless. */
  tryTake(key: string): (() => void) | null {
    const n = this.held.get(key) ?? 0;
    if (n >= this.max) return null;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }

  holders(key: string): number {
    return this.held.get(key) ?? 0;
  }
}
