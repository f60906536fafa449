// Per-test fault injection and the rate-limit token bucket.

export interface Fault {
  /** Only requests with this method (any when absent). */
  method?: string;
  /** The request path (`/apps/gyana-dev`), a route template (`/apps/{app}`), or a RegExp on the path. */
  path?: string | RegExp;
  /** Answer with this status and a Heroku error body (or `body`). */
  status?: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** How many matching requests it applies to (default 1; `Infinity` for all). */
  times?: number;
  /** Wait this long before answering (or before handling normally when no status is set). */
  delayMs?: number;
  /** Destroy the socket without an answer. */
  drop?: boolean;
  /** Response body to send with `status`. */
  body?: unknown;
}

interface ActiveFault extends Fault {
  remaining: number;
}

export class Faults {
  private active: ActiveFault[] = [];

  inject(fault: Fault): void {
    this.active.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.active = [];
  }

  /** The first matching fault, consuming one of its uses. */
  take(method: string, pathname: string, template: string | undefined): Fault | undefined {
    const found = this.active.find((f) => {
      if (f.remaining <= 0) return false;
      if (f.method && f.method.toUpperCase() !== method) return false;
      if (f.path instanceof RegExp) return f.path.test(pathname);
      if (typeof f.path === "string") return f.path === pathname || f.path === template;
      return true;
    });
    if (found) found.remaining -= 1;
    return found;
  }
}

/** Heroku's token bucket: each call costs one token; tokens refill continuously. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {
    this.tokens = capacity;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.last) / 1000) * this.refillPerSecond,
    );
    this.last = now;
  }

  /** Takes a token; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  remaining(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  /** Whole seconds until one token is available. */
  retryAfter(): number {
    this.refill();
    return Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerSecond));
  }
}
