// Formation through the serialized provider against the emulator: one batch PATCH, sizes compared
// without case, a brand-new app (no release, no process types) does not fail `pulumi up` but
// records the types as pending and applies them on the next up after the first deploy.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { Formation, type FormationInputs, type FormationOutputs } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { counted, useHerokuEmulator } from "./herokuTestKit";

const env = useHerokuEmulator();
let formation: SerializedResource;
const PROCFILE = { web: "gunicorn gyana.wsgi", worker: "celery worker", beat: "celery beat" };

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new Formation("formation", {
      app: "gyana-formation",
      processes: {
        web: { quantity: 2, size: "standard-1X" },
        worker: { quantity: 1, size: "standard-2X" },
        beat: { quantity: 1, size: "standard-1X" },
      },
    });
  });
  formation = loaded.get("formation")!;
});

async function checked(inputs: unknown): Promise<FormationInputs> {
  const result = await formation.provider.check!({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as FormationInputs;
}

describe("Formation provider (serialized, against the emulator)", () => {
  it("rejects bad types, quantities and sizes, naming the property", async () => {
    const result = await formation.provider.check!(
      {},
      {
        app: "gyana-dev",
        processes: { "web!": { quantity: 1, size: "basic" }, worker: { quantity: -1, size: "" } },
      },
    );
    expect(result.failures).toEqual([
      { property: "processes", reason: 'process type "web!" must match ^[-\\w]{1,128}$' },
      { property: "processes", reason: "`processes.worker.quantity` must be a whole number ≥ 0" },
      { property: "processes", reason: "`processes.worker.size` must be a dyno size name" },
    ]);
  });

  it("with adopt, refuses to rescale a hand-made app (no write), and takes it over when it matches", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation-adopt", region: "eu" });
    emu.state.deploy(app, { processTypes: PROCFILE });
    Object.assign(app.formation.get("web")!, {
      quantity: 3,
      size: emu.state.dynoSize("standard-2X"),
    });
    const declared = await checked({
      app: "gyana-formation-adopt",
      adopt: true,
      processes: {
        web: { quantity: 2, size: "standard-1X" },
        worker: { quantity: 0, size: "basic" },
      },
    });
    const refused = await counted(emu, () =>
      formation.provider.create(declared).catch((e: unknown) => e as Error),
    );
    expect(refused.routes).toEqual(["GET /apps/{app}", "GET /apps/{app}/formation"]);
    const err = refused.result as Error;
    expect(err.message).toContain("refusing to adopt the formation of app `gyana-formation-adopt`");
    expect(err.message).toMatch(
      /- formation `web`: live `3 × standard-2X`, declared `2 × standard-1X`/i,
    );
    // worker runs as declared (0 × basic): not listed.
    expect(err.message).not.toContain("worker");
    expect(err.message).toContain("change it in a later, separate `pulumi up`");
    expect(app.formation.get("web")?.quantity).toBe(3);

    const asIs = await checked({
      ...declared,
      processes: { ...declared.processes, web: { quantity: 3, size: "Standard-2X" } },
    });
    const adopted = await counted(emu, () => formation.provider.create(asIs));
    expect(adopted.routes).toEqual(["GET /apps/{app}", "GET /apps/{app}/formation"]);
    expect(adopted.result.outs).toMatchObject({ pending: [] });
  });

  it("scales every type with one batch PATCH, reads back with one GET, diffs empty, updates only what changed and leaves dynos on delete", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation", region: "eu" });
    emu.state.deploy(app, { processTypes: PROCFILE });
    const inputs = await checked(formation.inputs);

    const create = await counted(emu, () => formation.provider.create(inputs));
    const { id, outs } = create.result as { id: string; outs: FormationOutputs };
    expect(create.routes).toEqual([
      "GET /apps/{app}",
      "GET /apps/{app}/formation",
      "PATCH /apps/{app}/formation",
    ]);
    expect(outs.pending).toEqual([]);
    expect(app.formation.get("web")).toMatchObject({ quantity: 2 });
    expect(app.formation.get("web")!.size.name.toLowerCase()).toBe("standard-1x");

    const read = await counted(emu, () => formation.provider.read!(id, outs));
    expect(read.routes).toEqual(["GET /apps/{app}/formation"]);
    expect(read.result.props).toEqual(outs);
    const noop = await counted(emu, () => formation.provider.diff!(id, outs, inputs));
    expect(noop.result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(noop.routes).toEqual([]);
    expect(
      (
        await formation.provider.diff!(id, outs, {
          ...inputs,
          processes: { ...inputs.processes, web: { quantity: 2, size: "STANDARD-1x" } },
        })
      ).changes,
    ).toBe(false);

    const next = {
      ...inputs,
      processes: { ...inputs.processes, worker: { quantity: 3, size: "standard-2X" } },
    };
    expect(await formation.provider.diff!(id, outs, next)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const update = await counted(emu, () => formation.provider.update!(id, outs, next));
    expect(update.routes).toEqual(["PATCH /apps/{app}/formation"]);
    expect(emu.requests.at(-1)?.body).toEqual({
      updates: [{ type: "worker", quantity: 3, dyno_size: { name: "standard-2X" } }],
    });
    expect(app.formation.get("worker")!.quantity).toBe(3);

    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const del = await counted(emu, () => formation.provider.delete!(id, update.result.outs!));
    expect(del.routes).toEqual([]);
    expect(String(log.mock.calls[0]?.[0])).toContain("dynos are left as they are");
    log.mockRestore();
    expect(app.formation.get("web")!.quantity).toBe(2);
    expect(emu.violations).toEqual([]);
  });

  it("on a brand-new app without a release warns, records the types as pending, and applies them on the next up after the first deploy", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation-new", region: "eu" });
    const inputs = await checked({ ...formation.inputs, app: "gyana-formation-new" });
    const warnings = vi.spyOn(console, "error").mockImplementation(() => undefined);

    const { id, outs } = await formation.provider.create(inputs);
    expect(outs.pending).toEqual(["beat", "web", "worker"]);
    expect(String(warnings.mock.calls.at(-1)?.[0])).toBe(
      `heroku: warning: app ${app.id} has no process type beat, web, worker yet (no release defines ` +
        "it). Applied the others; the next `pulumi up` after the first deploy will scale these.",
    );
    // Every later preview shows the formation as still to apply, without needing --refresh.
    expect((await formation.provider.diff!(id, outs, inputs)).changes).toBe(true);

    emu.state.deploy(app, { processTypes: { web: PROCFILE.web, worker: PROCFILE.worker } });
    const partly = await formation.provider.update!(id, outs, inputs);
    expect(partly.outs!.pending).toEqual(["beat"]);
    expect(app.formation.get("web")!.quantity).toBe(2);
    expect(app.formation.get("worker")!.quantity).toBe(1);

    emu.state.deploy(app, { processTypes: PROCFILE });
    const done = await formation.provider.update!(id, partly.outs!, inputs);
    expect(done.outs!.pending).toEqual([]);
    expect(app.formation.get("beat")!.quantity).toBe(1);
    expect((await formation.provider.diff!(id, done.outs!, inputs)).changes).toBe(false);
    warnings.mockRestore();
  });

  it("shows quantities changed by hand as drift on refresh", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation-drift", region: "eu" });
    emu.state.deploy(app, { processTypes: PROCFILE });
    const inputs = await checked({ ...formation.inputs, app: "gyana-formation-drift" });
    const { id, outs } = await formation.provider.create(inputs);
    app.formation.get("web")!.quantity = 5;
    const read = await formation.provider.read!(id, outs);
    expect(read.props!.processes["web"]).toEqual({ quantity: 5, size: "standard-1X" });
    expect((await formation.provider.diff!(id, read.props!, inputs)).changes).toBe(true);
  });

  it("refuses in check, before any API call, a formation Heroku's dyno tiers do not allow", async () => {
    const result = await formation.provider.check!(
      {},
      {
        app: "gyana-dev",
        processes: {
          web: { quantity: 2, size: "basic" },
          worker: { quantity: 1, size: "standard-1X" },
        },
      },
    );
    expect(result.failures).toEqual([
      {
        property: "processes",
        reason: expect.stringMatching(
          /^`processes\.worker\.size` cannot run next to Basic dynos \(web: basic\)/,
        ),
      },
      {
        property: "processes",
        reason: expect.stringMatching(/^`processes\.web\.quantity` is more than one Basic dyno/),
      },
    ]);
  });

  it("moves the app out of Basic in one batch of every declared type, even one whose recorded spec did not change", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation-tier", region: "eu" });
    emu.state.deploy(app, { processTypes: { web: PROCFILE.web, worker: PROCFILE.worker } });
    // Recorded: web 1 × basic, worker 0 × standard-1X; live, scaled by hand since: worker 1 × basic.
    const olds = {
      app: app.id,
      appId: app.id,
      pending: [],
      processes: {
        web: { quantity: 1, size: "basic" },
        worker: { quantity: 0, size: "standard-1X" },
      },
    } as FormationOutputs;
    app.formation.get("worker")!.quantity = 1;
    const news = await checked({
      app: app.id,
      processes: {
        web: { quantity: 1, size: "standard-1X" },
        worker: { quantity: 0, size: "standard-1X" },
      },
    });
    const step = await counted(emu, () => formation.provider.update!(app.id, olds, news));
    expect(step.routes).toEqual(["PATCH /apps/{app}/formation"]);
    expect(emu.requests.at(-1)?.body).toEqual({
      updates: [
        { type: "web", quantity: 1, dyno_size: { name: "standard-1X" } },
        { type: "worker", quantity: 0, dyno_size: { name: "standard-1X" } },
      ],
    });
    expect([...app.formation.values()].map((f) => [f.type, f.quantity, f.size.name])).toEqual([
      ["web", 1, "standard-1X"],
      ["worker", 0, "standard-1X"],
    ]);
  });

  it("names a running process type the stack does not declare when Heroku refuses the tier change, and how to fix it", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation-clock", region: "eu" });
    emu.state.deploy(app, { processTypes: { web: PROCFILE.web, clock: "clock.py" } });
    app.formation.get("clock")!.quantity = 1;
    const inputs = await checked({
      app: app.id,
      processes: { web: { quantity: 1, size: "standard-1X" } },
    });
    await expect(formation.provider.create(inputs)).rejects.toThrow(
      "Heroku refused the formation: Heroku API PATCH",
    );
    await expect(formation.provider.create(inputs)).rejects.toThrow(
      /Process type clock \(1 × basic\) runs on the app but is not in the stack's formation.*`heroku ps:scale clock=0`.*Nothing was changed\./s,
    );
    expect(app.formation.get("web")!.size.name).toBe("basic");
  });

  it("reads from the app id alone with every live process type", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-formation-read", region: "eu" });
    emu.state.deploy(app, { processTypes: { web: PROCFILE.web, worker: PROCFILE.worker } });
    const read = await formation.provider.read!(app.id);
    expect(read.inputs).toEqual({
      app: app.id,
      processes: { web: { quantity: 1, size: "basic" }, worker: { quantity: 0, size: "basic" } },
    });
    const inputs = await checked(read.inputs);
    expect((await formation.provider.diff!(app.id, read.props!, inputs)).changes).toBe(false);
  });
});
