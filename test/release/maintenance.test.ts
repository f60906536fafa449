// Maintenance mode around a change: the state found is the state left, whatever happens.
import { describe, expect, it } from "vitest";
import type { HerokuClient } from "../../providers/heroku/client";
import type { Io } from "../../tools/release/cli";
import { withMaintenance } from "../../tools/release/maintenance";

function fakeHeroku(initially: boolean, failRestore = false) {
  const calls: string[] = [];
  let maintenance = initially;
  const client = {
    get: async () => ({ maintenance }),
    patch: async (_path: string, body: { maintenance: boolean }) => {
      calls.push(`maintenance ${body.maintenance}`);
      if (failRestore && body.maintenance === false) throw new Error("503 unavailable");
      maintenance = body.maintenance;
      return {};
    },
  } as unknown as HerokuClient;
  return { client, calls, state: () => maintenance };
}

function io() {
  const lines: string[] = [];
  const terminal: Io = {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    interactive: false,
    ask: async () => "",
  };
  return { terminal, lines };
}

describe("withMaintenance", () => {
  it("turns maintenance on for the change and off again after a failure, rethrowing the failure", async () => {
    const heroku = fakeHeroku(false);
    const { terminal } = io();
    await expect(
      withMaintenance(heroku.client, "gyana-beta", terminal, { enable: true, require: true }, () =>
        Promise.reject(new Error("migrate failed")),
      ),
    ).rejects.toThrow("migrate failed");
    expect(heroku.calls).toEqual(["maintenance true", "maintenance false"]);
    expect(heroku.state()).toBe(false);
  });

  it("leaves maintenance on when it was on before", async () => {
    const heroku = fakeHeroku(true);
    const { terminal } = io();
    expect(
      await withMaintenance(
        heroku.client,
        "gyana-beta",
        terminal,
        { enable: true, require: true },
        async () => 7,
      ),
    ).toBe(7);
    expect(heroku.calls).toEqual([]);
  });

  it("runs the change untouched when maintenance is neither required nor asked for", async () => {
    const heroku = fakeHeroku(false);
    const { terminal } = io();
    await withMaintenance(
      heroku.client,
      "gyana-beta",
      terminal,
      { enable: false, require: false },
      async () => 1,
    );
    expect(heroku.calls).toEqual([]);
  });

  it("says how to finish by hand when the restore itself fails", async () => {
    const heroku = fakeHeroku(false, true);
    const { terminal, lines } = io();
    await expect(
      withMaintenance(
        heroku.client,
        "gyana-beta",
        terminal,
        { enable: true, require: true },
        async () => 1,
      ),
    ).rejects.toThrow("503 unavailable");
    expect(lines.at(-1)).toBe(
      "ERROR: could not turn maintenance mode back off for gyana-beta: 503 unavailable\n" +
        "  Run: heroku maintenance:off --app gyana-beta",
    );
    // A failed change keeps its own error; the failed restore is still reported.
    const second = io();
    const again = fakeHeroku(false, true);
    await expect(
      withMaintenance(
        again.client,
        "gyana-beta",
        second.terminal,
        { enable: true, require: true },
        () => Promise.reject(new Error("migrate failed")),
      ),
    ).rejects.toThrow("migrate failed");
    expect(second.lines.at(-1)).toContain("Run: heroku maintenance:off --app gyana-beta");
  });
});
