// Which host a run gets (tools/engine/hostPool.ts): one per environment, reused while it lives,
// the most recently used idle hosts of other environments kept and the rest closed, and never a
// host that is in use. Hosts here are stand-ins that record being closed: starting Pulumi's
// real one costs seconds of CPU, and test/e2e/dynamicProviderHost.test.ts starts and kills real
// ones.
import { describe, expect, it } from "vitest";
import { HostPool, hostEnvironment, type PooledHost } from "../../tools/engine/hostPool";

class StandInHost implements PooledHost {
  closed = false;
  died = false;
  constructor(readonly marker: string | undefined) {}
  get alive(): boolean {
    return !this.closed && !this.died;
  }
  close(): void {
    this.closed = true;
  }
}

function standInPool(idleKept: number, failFor?: string) {
  const started: StandInHost[] = [];
  const attempts: (string | undefined)[] = [];
  const pool = new HostPool(async (env) => {
    attempts.push(env["MARKER"]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (env["MARKER"] === failFor) throw new Error(`host for ${failFor} failed to start`);
    const host = new StandInHost(env["MARKER"]);
    started.push(host);
    return host;
  }, idleKept);
  const acquireIn = (marker: string) => pool.acquire({ PATH: "/usr/bin", MARKER: marker });
  return { pool, started, attempts, acquireIn };
}

describe("the pool of provider hosts", () => {
  it("reuses one host per environment, also for callers that arrive together", async () => {
    const { started, acquireIn } = standInPool(2);
    const [first, second] = await Promise.all([acquireIn("a"), acquireIn("a")]);
    expect(second.host).toBe(first.host);
    first.release();
    second.release();
    const later = await acquireIn("a");
    expect(later.host).toBe(first.host);
    expect(started).toHaveLength(1);
  });

  it("ignores the test runner's own variables, which change for every test file", async () => {
    const { pool, started } = standInPool(2);
    const one = await pool.acquire({ MARKER: "a", VITEST_WORKER_ID: "1" });
    one.release();
    const two = await pool.acquire({ MARKER: "a", VITEST_WORKER_ID: "2" });
    expect(two.host).toBe(one.host);
    expect(started).toHaveLength(1);
    expect(hostEnvironment({ MARKER: "a", VITEST_POOL_ID: "3" })).toEqual({ MARKER: "a" });
  });

  it("keeps the most recently used idle hosts of other environments and closes the rest", async () => {
    const { started, acquireIn } = standInPool(2);
    for (const marker of ["a", "b", "c"]) (await acquireIn(marker)).release();
    expect(started.map((h) => h.closed)).toEqual([false, false, false]);
    // A fourth environment: a is the least recently used of the other idle ones.
    (await acquireIn("d")).release();
    expect(started.map((h) => [h.marker, h.closed])).toEqual([
      ["a", true],
      ["b", false],
      ["c", false],
      ["d", false],
    ]);
    // Back to b (kept): reused, and now the most recent, so c goes when e arrives.
    const back = await acquireIn("b");
    back.release();
    expect(back.host).toBe(started[1]);
    (await acquireIn("e")).release();
    expect(started.filter((h) => !h.closed).map((h) => h.marker)).toEqual(["b", "d", "e"]);
  });

  it("never closes a host in use, however many environments come after it", async () => {
    const { started, acquireIn } = standInPool(0);
    const held = await acquireIn("held");
    for (const marker of ["x", "y", "z"]) (await acquireIn(marker)).release();
    expect(held.host.closed).toBe(false);
    expect(started.filter((h) => h.closed).map((h) => h.marker)).toEqual(["x", "y"]);
    held.release();
    held.release(); // a second release does not free a lease it does not hold
    (await acquireIn("w")).release();
    expect(held.host.closed).toBe(true);
  });

  it("replaces a host that died, and retries a start that failed", async () => {
    const { pool, started, attempts, acquireIn } = standInPool(2, "broken");
    const first = await acquireIn("a");
    first.release();
    first.host.died = true;
    const replaced = await acquireIn("a");
    expect(replaced.host).not.toBe(first.host);
    expect(started).toHaveLength(2);

    await expect(acquireIn("broken")).rejects.toThrow("host for broken failed to start");
    await expect(acquireIn("broken")).rejects.toThrow("host for broken failed to start");
    expect(attempts.filter((marker) => marker === "broken")).toHaveLength(2);
    await pool.shutdown();
    expect(started.every((h) => h.closed || h.died)).toBe(true);
  });

  it("shutdown closes every host, in use or idle, and the next caller gets a new one", async () => {
    const { pool, started, acquireIn } = standInPool(2);
    const inUse = await acquireIn("a");
    (await acquireIn("b")).release();
    await pool.shutdown();
    expect(started.map((h) => h.closed)).toEqual([true, true]);
    const next = await acquireIn("a");
    expect(next.host).not.toBe(inUse.host);
    expect(next.host.closed).toBe(false);
  });
});
