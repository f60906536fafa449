// Maintenance mode around a change: on for the change, off again after success, and left on
// after a failure that may have changed something, with what to do next.
import { describe, expect, it } from "vitest";
import type { HerokuClient } from "../../providers/heroku/client";
import type { Io } from "../../tools/release/cli";
import { withMaintenance, type MaintenanceOptions } from "../../tools/release/maintenance";

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

class NothingDone extends Error {}

const options = (enable: boolean, require: boolean): MaintenanceOptions => ({
  enable,
  require,
  leftOn: {
    why: "the change stopped part way",
    finish: "Finish it",
    nothingChanged: (error) => error instanceof NothingDone,
  },
});

describe("withMaintenance", () => {
  it("turns maintenance on for the change and off again after it succeeds", async () => {
    const heroku = fakeHeroku(false);
    const { terminal, lines } = io();
    expect(
      await withMaintenance(
        heroku.client,
        "gyana-beta",
        terminal,
        options(true, true),
        async () => 7,
      ),
    ).toBe(7);
    expect(heroku.calls).toEqual(["maintenance true", "maintenance false"]);
    expect(lines.at(-1)).toBe("Maintenance mode turned back off for gyana-beta.");
  });

  it("leaves maintenance on after a failure, saying why and how to finish or turn it off", async () => {
    const heroku = fakeHeroku(false);
    const { terminal, lines } = io();
    await expect(
      withMaintenance(heroku.client, "gyana-beta", terminal, options(true, true), () =>
        Promise.reject(new Error("migrate failed")),
      ),
    ).rejects.toThrow("migrate failed");
    expect(heroku.calls).toEqual(["maintenance true"]);
    expect(heroku.state()).toBe(true);
    expect(lines.at(-1)).toBe(
      "Maintenance mode is still ON for gyana-beta: the change stopped part way. Finish it, or, " +
        "once you are sure the site is safe to serve, turn it off: heroku maintenance:off --app gyana-beta",
    );
  });

  it("turns it back off after a failure that changed nothing", async () => {
    const heroku = fakeHeroku(false);
    const { terminal, lines } = io();
    await expect(
      withMaintenance(heroku.client, "gyana-beta", terminal, options(true, true), () =>
        Promise.reject(new NothingDone("refused")),
      ),
    ).rejects.toThrow("refused");
    expect(heroku.calls).toEqual(["maintenance true", "maintenance false"]);
    expect(lines.at(-1)).toBe(
      "Maintenance mode turned back off for gyana-beta: nothing was changed.",
    );
  });

  it("with --maintenance, turns it off after success even when it was on before", async () => {
    const heroku = fakeHeroku(true);
    const { terminal } = io();
    expect(
      await withMaintenance(
        heroku.client,
        "gyana-beta",
        terminal,
        options(true, true),
        async () => 7,
      ),
    ).toBe(7);
    expect(heroku.calls).toEqual(["maintenance false"]);
  });

  it("without --maintenance, leaves it on as found and says so", async () => {
    const heroku = fakeHeroku(true);
    const { terminal, lines } = io();
    await withMaintenance(
      heroku.client,
      "gyana-beta",
      terminal,
      options(false, true),
      async () => 7,
    );
    expect(heroku.calls).toEqual([]);
    expect(lines.at(-1)).toBe(
      "Maintenance mode is still on for gyana-beta, as it was before. Turn it off when the site " +
        "is ready: heroku maintenance:off --app gyana-beta",
    );
  });

  it("after a failure that changed nothing, leaves it on when it was on before", async () => {
    const heroku = fakeHeroku(true);
    const { terminal, lines } = io();
    await expect(
      withMaintenance(heroku.client, "gyana-beta", terminal, options(true, true), () =>
        Promise.reject(new NothingDone("refused")),
      ),
    ).rejects.toThrow("refused");
    expect(heroku.calls).toEqual([]);
    expect(lines.at(-1)).toBe(
      "Maintenance mode is still on for gyana-beta, as it was: nothing was changed.",
    );
  });

  it("runs the change untouched when maintenance is neither required nor asked for", async () => {
    const heroku = fakeHeroku(false);
    const { terminal } = io();
    await withMaintenance(
      heroku.client,
      "gyana-beta",
      terminal,
      options(false, false),
      async () => 1,
    );
    expect(heroku.calls).toEqual([]);
  });

  it("says how to finish by hand when turning it off fails", async () => {
    const heroku = fakeHeroku(false, true);
    const { terminal, lines } = io();
    await expect(
      withMaintenance(heroku.client, "gyana-beta", terminal, options(true, true), async () => 1),
    ).rejects.toThrow("503 unavailable");
    expect(lines.at(-1)).toBe(
      "ERROR: could not turn maintenance mode back off for gyana-beta: 503 unavailable\n" +
        "  Run: heroku maintenance:off --app gyana-beta",
    );
  });
});
