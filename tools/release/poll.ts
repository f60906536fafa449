// Waiting for Heroku to finish something (a release phase, a promotion, a one-off dyno): poll
// with exponential backoff up to a cap, and give up at a deadline with a message that says what
// was still pending, so an operator never stares at a silent terminal.

export interface Clock {
  /** Default: a `setTimeout` promise. Tests inject one that returns at once. */
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds; default `Date.now`. Tests advance it from `sleep`. */
  now: () => number;
}

export const realClock: Clock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/**
 * A clock whose waits pass at once: `sleep` moves `now` on by the time asked. For the offline
 * rehearsal, whose emulated Heroku answers the next poll the same whatever the time, and for
 * tests.
 */
export function virtualClock(start: number = Date.now()): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

export interface PollOptions<T> {
  /** What is awaited, for messages: "release v42 of gyana-beta". */
  what: string;
  /** Gives up after this long. */
  timeoutMs: number;
  /** First delay; doubles each poll up to `maxDelayMs`. Default 1 s. */
  initialDelayMs?: number;
  /** Default 15 s. */
  maxDelayMs?: number;
  /** Describes the last value in the timeout message: "status pending". */
  describe?: (value: T) => string;
  /** Called after each poll that is not done yet. */
  onWait?: (value: T, delayMs: number, progress: WaitProgress) => void;
}

/** How long a wait has lasted and when it gives up, for progress lines. */
export interface WaitProgress {
  elapsedMs: number;
  /** Epoch milliseconds. */
  deadline: number;
}

/** `1m 05s so far; gives up at 19:20:00Z` */
export function describeWait(progress: WaitProgress): string {
  const seconds = Math.round(progress.elapsedMs / 1000);
  const elapsed =
    seconds < 60
      ? `${seconds}s`
      : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  const at = new Date(progress.deadline).toISOString().slice(11, 19);
  return `${elapsed} so far; gives up at ${at}Z`;
}

export class PollTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PollTimeoutError";
  }
}

export async function pollUntil<T>(
  fetchOnce: () => Promise<T>,
  done: (value: T) => boolean,
  clock: Clock,
  options: PollOptions<T>,
): Promise<T> {
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 15_000;
  for (;;) {
    const value = await fetchOnce();
    if (done(value)) return value;
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      const last = options.describe ? ` (last seen: ${options.describe(value)})` : "";
      throw new PollTimeoutError(
        `gave up waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s${last}`,
      );
    }
    const wait = Math.min(delay, remaining);
    options.onWait?.(value, wait, { elapsedMs: clock.now() - started, deadline });
    await clock.sleep(wait);
    delay = Math.min(delay * 2, maxDelay);
  }
}
