// App through its serialized provider against the emulator: the full lifecycle, rename in place,
// replacement on region/team, a taken name (fail with adoption advice, or adopt on request) and
// read with only an id.
import { beforeAll, describe, expect, it } from "vitest";
import { App, type AppInputs, type AppOutputs } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { counted, useHerokuEmulator } from "./herokuTestKit";

const env = useHerokuEmulator();
let app: SerializedResource;

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new App("app", { name: "gyana-app-test", region: "eu", stack: "heroku-24" });
  });
  app = loaded.get("app")!;
});

async function checked(inputs: Partial<AppInputs>): Promise<AppInputs> {
  const result = await app.provider.check!({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as AppInputs;
}

describe("App provider (serialized, against the emulator)", () => {
  it("registers as pulumi-nodejs:dynamic/heroku:App", () => {
    expect(app.resource.type).toBe("pulumi-nodejs:dynamic/heroku:App");
  });

  it("rejects a bad name and a missing region, naming each property", async () => {
    const result = await app.provider.check!({}, { name: "Gyana_App", maintenance: "yes" });
    expect(result.failures).toEqual([
      {
        property: "name",
        reason:
          '`name` "Gyana_App" must be 3-30 characters of a-z, 0-9 and -, start with a letter and not end with -',
      },
      { property: "region", reason: "`region` is required and must be a non-empty string" },
      { property: "maintenance", reason: "`maintenance` must be a boolean" },
    ]);
  });

  it("creates, reads back with one GET, diffs empty with no request, renames in place and deletes (404 tolerated)", async () => {
    const { emu } = env;
    const inputs = await checked(app.inputs);
    // Not declared: maintenance is not managed, and check does not make up a value.
    expect(inputs).not.toHaveProperty("maintenance");

    const create = await counted(emu, () => app.provider.create(inputs));
    const { id, outs } = create.result as { id: string; outs: AppOutputs };
    expect(create.routes).toEqual(["POST /apps"]);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(outs).toMatchObject({
      name: "gyana-app-test",
      region: "eu",
      stack: "heroku-24",
      appId: id,
      currentStack: "heroku-24",
    });
    expect(outs).not.toHaveProperty("maintenance");
    expect(outs.webUrl).toMatch(/^https:\/\/gyana-app-test-[0-9a-f]+\.herokuapp\.com\/$/);
    expect(outs.gitUrl).toBe("https://git.heroku.com/gyana-app-test.git");

    const read = await counted(emu, () => app.provider.read!(id, outs));
    expect(read.routes).toEqual(["GET /apps/{app}"]);
    expect(read.result.props).toEqual(outs);

    const noop = await counted(emu, () => app.provider.diff!(id, outs, inputs));
    expect(noop.result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(noop.routes).toEqual([]);

    const renamed = await checked({ ...inputs, name: "gyana-app-renamed", maintenance: true });
    const diff = await app.provider.diff!(id, outs, renamed);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const update = await counted(emu, () => app.provider.update!(id, outs, renamed));
    expect(update.routes).toEqual(["PATCH /apps/{app}"]);
    expect(update.result.outs).toMatchObject({
      name: "gyana-app-renamed",
      maintenance: true,
      appId: id,
    });
    expect(emu.state.app(id).name).toBe("gyana-app-renamed");
    expect(emu.state.app(id).maintenance).toBe(true);
    expect((await app.provider.diff!(id, update.result.outs!, renamed)).changes).toBe(false);

    await app.provider.delete!(id, update.result.outs!);
    expect(emu.state.findApp(id)).toBeUndefined();
    await app.provider.delete!(id, update.result.outs!);
    expect(await app.provider.read!(id, update.result.outs!)).toEqual({ id: "" });
    expect(emu.violations).toEqual([]);
  });

  it("replaces the app (deleting first, the name is global) when region or team changes", async () => {
    const olds = {
      ...(await checked(app.inputs)),
      appId: "x",
      webUrl: null,
      gitUrl: "",
      currentStack: "",
    };
    expect(await app.provider.diff!("x", olds, { ...olds, region: "us" })).toEqual({
      changes: true,
      replaces: ["region"],
      deleteBeforeReplace: true,
    });
    expect(await app.provider.diff!("x", olds, { ...olds, team: "gyana" })).toMatchObject({
      replaces: ["team"],
    });
  });

  it("changes the stack for the next build in place with build_stack", async () => {
    const { emu } = env;
    const inputs = await checked({ name: "gyana-stack-test", region: "eu", stack: "heroku-22" });
    const { id, outs } = await app.provider.create(inputs);
    const next = { ...inputs, stack: "heroku-24" };
    expect(await app.provider.diff!(id, outs, next)).toMatchObject({ changes: true, replaces: [] });
    const updated = await app.provider.update!(id, outs, next);
    expect(emu.requests.at(-1)?.body).toEqual({ build_stack: "heroku-24" });
    expect(updated.outs).toMatchObject({ stack: "heroku-24", currentStack: "heroku-22" });
    expect((await app.provider.diff!(id, updated.outs!, next)).changes).toBe(false);
  });

  it("creates a team app through /teams/apps", async () => {
    const inputs = await checked({ name: "gyana-team-test", region: "eu", team: "gyana" });
    const create = await counted(env.emu, () => app.provider.create(inputs));
    expect(create.routes).toEqual(["POST /teams/apps"]);
    expect(create.result.outs).toMatchObject({ team: "gyana" });
  });

  it("fails on a taken name with a message that says how to adopt the app", async () => {
    env.emu.state.createApp({ name: "gyana-taken", region: "eu" });
    const inputs = await checked({ name: "gyana-taken", region: "eu" });
    await expect(app.provider.create(inputs)).rejects.toThrow(
      "Heroku app name `gyana-taken` is already taken. If the app is yours, adopt it: set " +
        "`adopt: true` on this App and run `pulumi up` again (dynamic-provider resources cannot be " +
        "brought in with `pulumi import` or the `import` resource option, pulumi/pulumi#16175). " +
        "Otherwise choose another `name`.",
    );
  });

  it("adopts an existing app of that name when adopt is set, without creating a second one or writing", async () => {
    const { emu } = env;
    const existing = emu.state.createApp({ name: "gyana-adopt", region: "eu", stack: "heroku-24" });
    emu.state.app(existing.id).maintenance = true;
    const inputs = await checked({
      name: "gyana-adopt",
      region: "eu",
      stack: "heroku-24",
      maintenance: true,
      adopt: true,
    });
    const create = await counted(emu, () => app.provider.create(inputs));
    const { id, outs } = create.result;
    expect(create.routes).toEqual(["GET /apps/{app}"]);
    expect(id).toBe(existing.id);
    expect(outs).toMatchObject({ name: "gyana-adopt", maintenance: true, adopt: true });
    expect([...emu.state.apps.values()].filter((a) => a.name === "gyana-adopt")).toHaveLength(1);
    expect((await app.provider.diff!(id, outs, inputs)).changes).toBe(false);
  });

  it("refuses to adopt an app in another region", async () => {
    env.emu.state.createApp({ name: "gyana-adopt-us", region: "us" });
    const inputs = await checked({ name: "gyana-adopt-us", region: "eu", adopt: true });
    await expect(app.provider.create(inputs)).rejects.toThrow(
      /refusing to adopt Heroku app `gyana-adopt-us`.*\n {2}- region \(cannot change in place\): live `us`, declared `eu`/s,
    );
  });

  it("refuses to adopt, writing nothing, when the live stack, maintenance, add-on plans or formation differ", async () => {
    const { emu } = env;
    const live = emu.state.createApp({
      name: "gyana-adopt-diff",
      region: "eu",
      stack: "heroku-22",
    });
    emu.state.createAddon(live, {
      plan: "heroku-postgresql:standard-2",
      name: "postgresql-adopt-diff",
      provisioned: true,
    });
    emu.state.createAddon(live, {
      plan: "heroku-redis:premium-0",
      name: "redis-adopt-diff",
      provisioned: true,
    });
    emu.state.deploy(live, { processTypes: { web: "gunicorn", worker: "celery" } });
    // `heroku ps:scale web=2:standard-2X` by hand.
    Object.assign(live.formation.get("web")!, {
      quantity: 2,
      size: emu.state.dynoSize("standard-2X"),
    });
    const inputs = await checked({
      name: "gyana-adopt-diff",
      region: "eu",
      stack: "heroku-24",
      maintenance: true,
      adopt: true,
      adoptExpect: {
        addons: [
          { name: "postgresql-adopt-diff", plan: "heroku-postgresql:standard-0" },
          { name: "redis-adopt-diff", plan: "heroku-redis:premium-0" },
          { name: "not-there-yet", plan: "heroku-redis:mini" },
        ],
        formation: {
          web: { quantity: 1, size: "standard-1X" },
          beat: { quantity: 1, size: "basic" },
        },
      },
    });
    const before = emu.requests.length;
    const err = (await app.provider.create(inputs).catch((e: unknown) => e)) as Error;
    expect(emu.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
    expect(err.message).toContain("refusing to adopt Heroku app `gyana-adopt-diff`");
    expect(err.message).toContain("- stack: live `heroku-22`, declared `heroku-24`");
    expect(err.message).toContain("- maintenance: live `false`, declared `true`");
    expect(err.message).toContain(
      "- add-on `postgresql-adopt-diff` plan: live `heroku-postgresql:standard-2`, declared `heroku-postgresql:standard-0`",
    );
    expect(err.message).toMatch(
      /- formation `web`: live `2 × standard-2X`, declared `1 × standard-1X`/i,
    );
    // Same plan, a type with no dynos yet and an add-on still to create are no differences.
    expect(err.message).not.toContain("redis-adopt-diff");
    expect(err.message).not.toContain("not-there-yet");
    expect(err.message).not.toContain("beat");
    expect(err.message).toContain("Set the config to the live value to adopt as is");
    expect(err.message).toContain("change it in a later, separate `pulumi up`");
    expect(emu.state.app(live.id).buildStack.name).toBe("heroku-22");
    expect(live.formation.get("web")?.quantity).toBe(2);
    expect(emu.state.app(live.id).maintenance).toBe(false);
  });

  it("passes Heroku errors out of the hosted provider with status, error id, message and stack", async () => {
    const inputs = await checked({ name: "gyana-no-region", region: "mars" });
    const err = (await app.provider.create(inputs).catch((e: unknown) => e)) as Error & {
      status: number;
      errorId: string;
    };
    expect(err.status).toBe(404);
    expect(err.errorId).toBe("not_found");
    // An `id` would make Pulumi's host save a resource that was never created.
    expect("id" in err).toBe(false);
    expect(err.message).toMatch(/^Heroku API POST \/apps failed: 404 not_found: /);
    expect(err.stack).toContain(err.message);
    expect(JSON.stringify(err)).not.toContain(env.emu.token);
  });

  it("reads an app from its id alone with inputs that match the live app", async () => {
    const live = env.emu.state.createApp({
      name: "gyana-read-only",
      region: "eu",
      stack: "heroku-22",
    });
    const read = await app.provider.read!(live.id);
    expect(read.id).toBe(live.id);
    expect(read.inputs).toEqual({
      name: "gyana-read-only",
      region: "eu",
      stack: "heroku-22",
    });
    const inputs = await checked(read.inputs as AppInputs);
    expect((await app.provider.diff!(live.id, read.props!, inputs)).changes).toBe(false);
  });

  describe("maintenance: managed only when declared", () => {
    it("absent: never set, never diffed, no drift on read, even when switched on by hand", async () => {
      const { emu } = env;
      const inputs = await checked({ name: "gyana-maint-free", region: "eu" });
      const create = await counted(emu, () => app.provider.create(inputs));
      expect(create.routes).toEqual(["POST /apps"]);
      const { id, outs } = create.result;
      // `heroku maintenance:on` by the rollback tool.
      emu.state.app(id).maintenance = true;
      const read = await app.provider.read!(id, outs);
      expect(read.props).toEqual(outs);
      expect(read.props).not.toHaveProperty("maintenance");
      const again = await checked({ name: "gyana-maint-free", region: "eu" });
      expect((await app.provider.diff!(id, read.props!, again)).changes).toBe(false);
      expect(emu.state.app(id).maintenance).toBe(true);
    });

    it("state from when it was declared is dropped by an update that writes nothing", async () => {
      const { emu } = env;
      const declared = await checked({
        name: "gyana-maint-drop",
        region: "eu",
        maintenance: false,
      });
      const { id, outs } = await app.provider.create(declared);
      expect(outs).toMatchObject({ maintenance: false });
      emu.state.app(id).maintenance = true;
      const undeclared = await checked({ name: "gyana-maint-drop", region: "eu" });
      expect((await app.provider.diff!(id, outs, undeclared)).changes).toBe(true);
      const update = await counted(emu, () => app.provider.update!(id, outs, undeclared));
      expect(update.routes).toEqual(["GET /apps/{app}"]);
      expect(update.result.outs).not.toHaveProperty("maintenance");
      expect(emu.state.app(id).maintenance).toBe(true);
    });

    it("present: set on create, read as drift, and put back by an update", async () => {
      const { emu } = env;
      const inputs = await checked({ name: "gyana-maint-on", region: "eu", maintenance: true });
      const create = await counted(emu, () => app.provider.create(inputs));
      expect(create.routes).toEqual(["POST /apps", "PATCH /apps/{app}"]);
      const { id, outs } = create.result;
      expect(emu.state.app(id).maintenance).toBe(true);
      emu.state.app(id).maintenance = false;
      const read = await app.provider.read!(id, outs);
      expect(read.props).toMatchObject({ maintenance: false });
      expect((await app.provider.diff!(id, read.props!, inputs)).changes).toBe(true);
      const update = await counted(emu, () => app.provider.update!(id, read.props!, inputs));
      expect(update.routes).toEqual(["PATCH /apps/{app}"]);
      expect(emu.state.app(id).maintenance).toBe(true);
    });
  });
});
