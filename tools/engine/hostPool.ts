// Provider hosts reused across runs: a host inherits the environment it starts in (providers read
// HEROKU_API_URL and the like when they run), so one is kept per environment. Starting Pulumi's
// host costs seconds of CPU (it loads @pulumi/pulumi, TypeScript and npm's arborist); runs in
// the same environment share one, and the few most recently used idle hosts of other environments
// are kept for a caller that switches back, the rest are closed.

/** What the pool needs of a host. */
export interface PooledHost {
  readonly alive: boolean;
  close(): void;
}

export interface PooledLease<H> {
  host: H;
  /** Ends this use; the host stays for the next caller in the same environment. */
  release(): void;
}

interface PoolEntry<H> {
  key: string;
  host: Promise<H>;
  leases: number;
  lastUsed: number;
}

/**
 * The environment a host inherits: the caller's, without the test runner's own variables, which
 * Pulumi's host never has and vitest changes for every test file (VITEST_WORKER_ID).
 */
export function hostEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("VITEST")));
}

function environmentKey(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class HostPool<H extends PooledHost> {
  private readonly entries: PoolEntry<H>[] = [];
  private uses = 0;

  /**
   * @param start starts a host in the given environment.
   * @param idleKept idle hosts of other environments kept, the most recently used first.
   */
  constructor(
    private readonly start: (env: NodeJS.ProcessEnv) => Promise<H>,
    private readonly idleKept: number,
  ) {}

  /** A host for `env`, reused while its environment is unchanged. */
  async acquire(env: NodeJS.ProcessEnv): Promise<PooledLease<H>> {
    const environment = hostEnvironment(env);
    const key = environmentKey(environment);
    this.closeIdleBeyondKept(key);
    let entry = this.entries.find((e) => e.key === key);
    if (entry) {
      const existing = await entry.host.catch(() => undefined);
      if (!existing?.alive) {
        this.remove(entry);
        entry = undefined;
      }
    }
    // Another caller may have started one while this one waited on the dead host.
    entry ??= this.entries.find((e) => e.key === key);
    if (!entry) {
      entry = { key, host: this.start(environment), leases: 0, lastUsed: 0 };
      this.entries.push(entry);
    }
    const current = entry;
    current.leases++;
    current.lastUsed = ++this.uses;
    try {
      const host = await current.host;
      let released = false;
      return {
        host,
        release: () => {
          if (released) return;
          released = true;
          current.leases--;
        },
      };
    } catch (error) {
      current.leases--;
      this.remove(current);
      throw error;
    }
  }

  /** Closes every host, in use or not. */
  async shutdown(): Promise<void> {
    const entries = this.entries.splice(0, this.entries.length);
    await Promise.all(entries.map((e) => e.host.then((h) => h.close()).catch(() => undefined)));
  }

  private closeIdleBeyondKept(key: string): void {
    const idleOthers = this.entries
      .filter((e) => e.key !== key && e.leases === 0)
      .sort((a, b) => b.lastUsed - a.lastUsed);
    for (const stale of idleOthers.slice(this.idleKept)) {
      this.remove(stale);
      void stale.host.then((h) => h.close()).catch(() => undefined);
    }
  }

  private remove(entry: PoolEntry<H>): void {
    const at = this.entries.indexOf(entry);
    if (at >= 0) this.entries.splice(at, 1);
  }
}
