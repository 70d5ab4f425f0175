/** A fixed one-minute window per key: at most `perMinute` requests, then a wait until the window ends. */
export class KeyRateLimiter {
  private readonly windows = new Map<number, { startedAt: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => Date,
  ) {}

  /** Counts a request; answers the seconds to wait when it is over the limit, else null. */
  take(keyId: number): number | null {
    const at = this.now().getTime();
    let window = this.windows.get(keyId);
    if (!window || at - window.startedAt >= WINDOW_MS || at < window.startedAt) {
      if (this.windows.size >= MAX_TRACKED_KEYS) this.forgetEnded(at);
      window = { startedAt: at, count: 0 };
      this.windows.set(keyId, window);
    }
    if (window.count >= this.perMinute) return Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - at) / 1000));
    window.count++;
    return null;
  }

  private forgetEnded(at: number): void {
    for (const [keyId, window] of this.windows) if (at - window.startedAt >= WINDOW_MS) this.windows.delete(keyId);
  }
}

const WINDOW_MS = 60_000;
const MAX_TRACKED_KEYS = 10_000;
