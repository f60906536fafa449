// The driver of Pulumi's real dynamic provider host (tools/engine/dynamicProviderHost.ts): what
// Configure negotiates, one host reused while the environment is unchanged, and no host left
// running beyond the two most recent idle ones of other environments: not after shutdown, not
// after its parent is killed.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  acquireDynamicProviderHost,
  shutdownDynamicProviderHosts,
} from "../../tools/engine/dynamicProviderHost";

const ROOT = path.resolve(__dirname, "../..");

function running(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

afterAll(async () => {
  await shutdownDynamicProviderHosts();
});

describe("Pulumi's dynamic provider host, as the emulated engine drives it", () => {
  it("answers Configure as the engine expects: no secrets, no preview support", async () => {
    const { host, release } = await acquireDynamicProviderHost();
    release();
    expect(host.protocol).toEqual({
      acceptSecrets: false,
      acceptResources: false,
      supportsPreview: false,
    });
  });

  // This test and the next wait on host processes most of the time: they run side by side (the
  // next starts its host in a process of its own, with a pool of its own).
  it.concurrent(
    "is reused while the environment is unchanged; idle hosts of other environments beyond the two most recent are killed",
    async () => {
      const first = await acquireDynamicProviderHost();
      first.release();
      const again = await acquireDynamicProviderHost();
      again.release();
      expect(again.host).toBe(first.host);

      const acquireIn = (marker: string) => {
        process.env["GYANA_HOST_TEST_MARKER"] = marker;
        return acquireDynamicProviderHost();
      };
      let others: (typeof first.host)[] = [];
      try {
        // Two other environments side by side (the environment is read when acquire is called):
        // two idle hosts of other environments are kept, so the first stays.
        const [a, b] = [acquireIn("a"), acquireIn("b")];
        for (const lease of await Promise.all([a, b])) lease.release();
        others = [(await a).host, (await b).host];
        expect(others).not.toContain(first.host);
        expect(running(first.host.pid)).toBe(true);
        // A third: the least recently used idle host, the first, is killed.
        const c = await acquireIn("c");
        c.release();
        others.push(c.host);
        expect(await until(() => !running(first.host.pid))).toBe(true);
        expect(others.every((host) => running(host.pid))).toBe(true);
        // Back to an environment still kept: its host is reused.
        const back = await acquireIn("b");
        back.release();
        expect(back.host).toBe(others[1]);
      } finally {
        delete process.env["GYANA_HOST_TEST_MARKER"];
      }
      await shutdownDynamicProviderHosts();
      expect(await until(() => others.every((host) => !running(host.pid)))).toBe(true);
    },
  );

  it.concurrent("exits when the process that started it is killed", async () => {
    const script =
      'const { acquireDynamicProviderHost } = require("./tools/engine/dynamicProviderHost");' +
      "acquireDynamicProviderHost().then(({ host }) => { console.log(host.pid); setInterval(() => {}, 1000); });";
    const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())));
      parent.once("exit", (code) => reject(new Error(`parent exited early (${code})`)));
    });
    expect(running(pid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await until(() => !running(pid))).toBe(true);
  });
});
