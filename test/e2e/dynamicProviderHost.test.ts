// The driver of Pulumi's real dynamic provider host (tools/engine/dynamicProviderHost.ts): what
// Configure negotiates, and no host left running: not after shutdown, not after its parent is
// killed. Which host a run gets is tools/engine/hostPool.ts (test/e2e/hostPool.test.ts).
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDynamicProviderHost } from "../../tools/engine/dynamicProviderHost";

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

  // A process of its own, so that killing hosts does not take the ones this worker shares.
  it.concurrent(
    "is killed by shutdown, in use or not, and exits when its parent is killed",
    async () => {
      const script = [
        'const engine = require("./tools/engine/dynamicProviderHost");',
        "(async () => {",
        "  const held = await engine.acquireDynamicProviderHost();",
        "  await engine.shutdownDynamicProviderHosts();",
        "  const next = await engine.acquireDynamicProviderHost();",
        "  console.log(JSON.stringify([held.host.pid, next.host.pid]));",
        "  setInterval(() => {}, 1000);",
        "})();",
      ].join("\n");
      const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      });
      const [shutDown, live] = await new Promise<[number, number]>((resolve, reject) => {
        parent.stdout.once("data", (chunk: Buffer) => resolve(JSON.parse(String(chunk))));
        parent.once("exit", (code) => reject(new Error(`parent exited early (${code})`)));
      });
      expect(await until(() => !running(shutDown))).toBe(true);
      expect(live).not.toBe(shutDown);
      expect(running(live)).toBe(true);
      parent.kill("SIGKILL");
      expect(await until(() => !running(live))).toBe(true);
    },
  );
});
