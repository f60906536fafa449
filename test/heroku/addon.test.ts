// Addon through its serialized provider against the emulator: create waits for provisioning and
// for the add-on's config vars, a plan change is an in-place upgrade, an interrupted create is
// finished instead of repeated, a name owned by another app fails clearly, delete tolerates 404.
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  Addon,
  defaultAddonName,
  type AddonInputs,
  type AddonOutputs,
} from "../../providers/heroku";
import { startHerokuEmulator } from "../emulator/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { counted, useHerokuEmulator } from "./herokuTestKit";

const env = useHerokuEmulator({ addonProvisioningPolls: 3 });
let addon: SerializedResource;

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new Addon("db", { app: "gyana-addons", plan: "heroku-postgresql:essential-0" });
  });
  addon = loaded.get("db")!;
  env.emu.state.createApp({ name: "gyana-addons", region: "eu" });
  env.emu.state.createApp({ name: "gyana-other", region: "eu" });
});

async function checked(inputs: Partial<AddonInputs>): Promise<AddonInputs> {
  const result = await addon.provider.check!({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as AddonInputs;
}

describe("Addon provider (serialized, against the emulator)", () => {
  it("registers as pulumi-nodejs:dynamic/heroku:Addon", () => {
    expect(addon.resource.type).toBe("pulumi-nodejs:dynamic/heroku:Addon");
  });

  it("derives a deterministic global name from app, service and attachment in check", async () => {
    expect((await checked(addon.inputs)).name).toBe("gyana-addons-heroku-postgresql");
    expect(defaultAddonName("gyana-dev", "heroku-redis:mini")).toBe("gyana-dev-heroku-redis");
    expect(
      defaultAddonName("gyana-dev", "heroku-postgresql:essential-0", "DATABASE_FOLLOWER"),
    ).toBe("gyana-dev-heroku-postgresql-database-follower");
    expect(defaultAddonName("01a2142f-81ab-7000-8357-b8e18fdf69d6", "heroku-redis:mini")).toBe(
      "heroku-redis-01a2142f81ab",
    );
    const bad = await addon.provider.check!(
      {},
      { app: "gyana-dev", plan: "postgres", config: { x: 1 } },
    );
    expect(bad.failures).toEqual([
      {
        property: "plan",
        reason:
          '`plan` "postgres" must be `<service>:<plan>`, e.g. `heroku-postgresql:essential-0`',
      },
      { property: "config", reason: "`config.x` must be a string" },
    ]);
  });

  it("creates, waits until provisioned and DATABASE_URL is set, reads back with one GET, diffs empty, upgrades the plan in place and deletes", async () => {
    const { emu } = env;
    const progress = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const inputs = await checked(addon.inputs);
    const create = await counted(emu, () => addon.provider.create(inputs));
    const { id, outs } = create.result as { id: string; outs: AddonOutputs };
    expect(create.routes[0]).toBe("GET /addons/{addon}");
    expect(create.routes[1]).toBe("POST /apps/{app}/addons");
    // Three polls still answer `provisioning` (the emulator option), the fourth `provisioned`.
    expect(create.routes.filter((r) => r === "GET /apps/{app}/addons/{addon}").length).toBe(4);
    expect(create.routes.at(-1)).toBe("GET /apps/{app}/config-vars");
    expect(outs).toMatchObject({
      app: "gyana-addons",
      plan: "heroku-postgresql:essential-0",
      name: "gyana-addons-heroku-postgresql",
      addonId: id,
      state: "provisioned",
    });
    expect(outs.configVarNames).toContain("DATABASE_URL");
    expect(emu.state.app("gyana-addons").configVars["DATABASE_URL"]).toMatch(/^postgres:\/\//);
    expect(progress.mock.calls.map((c) => String(c[0])).join("\n")).toContain(
      "waiting for add-on gyana-addons-heroku-postgresql (heroku-postgresql:essential-0) to be provisioned: provisioning",
    );
    progress.mockRestore();

    const read = await counted(emu, () => addon.provider.read!(id, outs));
    expect(read.routes).toEqual(["GET /addons/{addon}"]);
    expect(read.result.props).toEqual(outs);
    const noop = await counted(emu, () => addon.provider.diff!(id, outs, inputs));
    expect(noop.result.changes).toBe(false);
    expect(noop.routes).toEqual([]);

    const upgraded = { ...inputs, plan: "heroku-postgresql:essential-1" };
    expect(await addon.provider.diff!(id, outs, upgraded)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const update = await counted(emu, () => addon.provider.update!(id, outs, upgraded));
    expect(update.routes).toContain("PATCH /apps/{app}/addons/{addon}");
    expect(update.result.outs).toMatchObject({
      plan: "heroku-postgresql:essential-1",
      addonId: id,
    });
    expect(emu.state.addons.get(id)?.plan).toBe("essential-1");

    await addon.provider.delete!(id, update.result.outs!);
    expect(emu.state.addons.has(id)).toBe(false);
    await addon.provider.delete!(id, update.result.outs!);
    expect(await addon.provider.read!(id, update.result.outs!)).toEqual({ id: "" });
    expect(emu.violations).toEqual([]);
  });

  it("refuses a Postgres plan change across the Essential tier in check, before any API call, with the pg:copy procedure", async () => {
    const { emu } = env;
    const olds = await checked({ app: "gyana-addons", plan: "heroku-postgresql:essential-0" });
    for (const [from, to] of [
      ["heroku-postgresql:essential-0", "heroku-postgresql:standard-0"],
      ["heroku-postgresql:standard-0", "heroku-postgresql:essential-2"],
    ]) {
      const step = await counted(emu, () =>
        addon.provider.check!({ ...olds, plan: from! }, { ...olds, plan: to! }),
      );
      expect(step.routes).toEqual([]);
      expect(step.result.failures).toEqual([
        {
          property: "plan",
          reason: expect.stringMatching(
            new RegExp(
              `^\`plan\` ${from} → ${to} crosses the Essential tier, which a plan change cannot do.*heroku pg:copy DATABASE_URL HEROKU_POSTGRESQL_<NEW COLOR>_URL -a gyana-addons.*Nothing was changed\\.$`,
            ),
          ),
        },
      ]);
    }
    // Within a tier it is a plain plan change.
    const within = await addon.provider.check!(
      { ...olds, plan: "heroku-postgresql:standard-0" },
      { ...olds, plan: "heroku-postgresql:standard-2" },
    );
    expect(within.failures ?? []).toEqual([]);
  });

  it("a Standard plan change: the preview and the up say the switch-over comes later and how to watch it; DATABASE_URL changes only then", async () => {
    const { emu } = env;
    const inputs = await checked({
      app: "gyana-addons",
      plan: "heroku-postgresql:standard-0",
      name: "gyana-addons-standard",
    });
    const { id, outs } = await addon.provider.create(inputs);
    const url = () => emu.state.app("gyana-addons").configVars["DATABASE_URL"];
    const before = url();
    const upgraded = { ...inputs, plan: "heroku-postgresql:standard-2" };
    const lines = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const diff = await counted(emu, () => addon.provider.diff!(id, outs, upgraded));
    expect(diff.routes).toEqual([]);
    const said = () => lines.mock.calls.map((c) => String(c[0])).join("\n");
    expect(said()).toContain(
      "heroku: heroku-postgresql:standard-0 → heroku-postgresql:standard-2: Heroku prepares a replacement database (up to several hours; the app keeps running on the current one) and switches over later",
    );
    expect(said()).toContain("`heroku pg:info -a gyana-addons`");
    lines.mockClear();
    const update = await counted(emu, () => addon.provider.update!(id, outs, upgraded));
    expect(update.routes.filter((r) => !r.startsWith("GET"))).toEqual([
      "PATCH /apps/{app}/addons/{addon}",
    ]);
    expect(said()).toContain(
      "heroku: plan changed: heroku-postgresql:standard-0 → heroku-postgresql:standard-2",
    );
    lines.mockRestore();
    expect(update.result.outs).toMatchObject({ plan: "heroku-postgresql:standard-2" });
    expect(url()).toBe(before);
    emu.state.changeOver(emu.state.addons.get(id)!);
    expect(url()).not.toBe(before);
    await addon.provider.delete!(id, update.result.outs!);
  });

  it("creates two add-ons of one app at once without overlapping their requests (Heroku refuses that), provisioning them side by side", async () => {
    const { emu } = env;
    emu.state.createApp({ name: "gyana-pair", region: "eu" });
    const pg = await checked({ app: "gyana-pair", plan: "heroku-postgresql:essential-0" });
    const kv = await checked({ app: "gyana-pair", plan: "heroku-redis:mini" });
    emu.resetCounts();
    const [a, b] = await Promise.all([addon.provider.create(pg), addon.provider.create(kv)]);
    const posts = emu.requests.filter((r) => r.route === "POST /apps/{app}/addons");
    expect(posts.map((r) => r.status)).toEqual([201, 201]);
    // Both were provisioning at the same time: the second POST came before the first was ready.
    const firstReady = emu.requests.findIndex((r) => r.route === "GET /apps/{app}/config-vars");
    expect(emu.requests.indexOf(posts[1]!)).toBeLessThan(firstReady);
    expect(emu.state.addons.get(a.id)?.state).toBe("provisioned");
    expect(emu.state.addons.get(b.id)?.state).toBe("provisioned");
    await addon.provider.delete!(a.id, a.outs);
    await addon.provider.delete!(b.id, b.outs);
  });

  it("replaces (deleting first) when provisioning options or the attachment name change", async () => {
    const inputs = await checked({
      ...(addon.inputs as Partial<AddonInputs>),
      config: { version: "16" },
    });
    const olds = {
      ...inputs,
      addonId: "x",
      appId: "y",
      configVarNames: [],
      state: "",
      providerId: "",
      name: inputs.name!,
    };
    expect(await addon.provider.diff!("x", olds, { ...inputs, config: { version: "17" } })).toEqual(
      {
        changes: true,
        replaces: ["config"],
        deleteBeforeReplace: true,
      },
    );
    expect(
      (await addon.provider.diff!("x", olds, { ...inputs, attachmentName: "OTHER_DB" })).replaces,
    ).toEqual(["attachmentName"]);
  });

  it("finishes an interrupted create: the add-on already made on this app is waited for, not duplicated", async () => {
    const { emu } = env;
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const inputs = await checked({ app: "gyana-addons", plan: "heroku-redis:mini" });
    const left = emu.state.createAddon("gyana-addons", {
      plan: "heroku-redis:mini",
      name: inputs.name!,
    });
    expect(left.state).toBe("provisioning");
    const { id, outs } = await addon.provider.create(inputs);
    expect(id).toBe(left.id);
    expect(outs.state).toBe("provisioned");
    expect(outs.configVarNames).toEqual(["REDIS_URL"]);
    const redis = [...emu.state.addons.values()].filter((a) => a.service === "heroku-redis");
    expect(redis).toHaveLength(1);
    expect(emu.state.app("gyana-addons").configVars["REDIS_URL"]).toMatch(/^rediss:\/\//);
    vi.restoreAllMocks();
  });

  it("adopts an add-on by its declared name as it is, and refuses, writing nothing, when its live plan differs", async () => {
    const { emu } = env;
    const live = emu.state.createAddon("gyana-addons", {
      plan: "heroku-postgresql:standard-0",
      name: "postgresql-hand-made",
      provisioned: true,
    });
    const declared = await checked({
      app: "gyana-addons",
      plan: "heroku-postgresql:essential-0",
      name: "postgresql-hand-made",
    });
    const refused = await counted(emu, () =>
      addon.provider.create(declared).catch((e: unknown) => e as Error),
    );
    expect(refused.routes.filter((r) => !r.startsWith("GET "))).toEqual([]);
    const err = refused.result as Error;
    expect(err.message).toContain(
      "refusing to adopt add-on `postgresql-hand-made` of app `gyana-addons`",
    );
    expect(err.message).toContain(
      "- add-on `postgresql-hand-made` plan: live `heroku-postgresql:standard-0`, declared `heroku-postgresql:essential-0`",
    );
    expect(err.message).toContain("Set the config to the live value to adopt as is");
    expect(emu.state.addon(live.id).plan).toBe("standard-0");

    // Declared as it runs: taken over with no write.
    const asIs = await counted(emu, () =>
      addon.provider.create({ ...declared, plan: "heroku-postgresql:standard-0" }),
    );
    expect(asIs.result.id).toBe(live.id);
    expect(asIs.routes.filter((r) => !r.startsWith("GET "))).toEqual([]);
  });

  it("fails with clear text when the name belongs to an add-on of another app", async () => {
    env.emu.state.createAddon("gyana-other", {
      plan: "heroku-redis:mini",
      name: "shared-name",
      provisioned: true,
    });
    const inputs = await checked({
      app: "gyana-addons",
      plan: "heroku-redis:mini",
      name: "shared-name",
    });
    await expect(addon.provider.create(inputs)).rejects.toThrow(
      "add-on name `shared-name` is already used by app `gyana-other`, not `gyana-addons`. " +
        "Add-on names are global: set another `name` on this Addon.",
    );
  });

  it("keeps the add-on when its app is renamed, and refuses to move it to another app", async () => {
    const { emu } = env;
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const app = emu.state.createApp({ name: "gyana-move-a", region: "eu" });
    const inputs = await checked({ app: "gyana-move-a", plan: "heroku-redis:mini" });
    const { id, outs } = await addon.provider.create(inputs);
    emu.state.renameApp(app, "gyana-move-b");
    const renamed = { ...inputs, app: "gyana-move-b" };
    const update = await addon.provider.update!(id, outs, renamed);
    expect(update.outs).toMatchObject({ app: "gyana-move-b", addonId: id });
    await expect(
      addon.provider.update!(id, update.outs!, { ...renamed, app: "gyana-other" }),
    ).rejects.toThrow(
      "Addon `app` changed from `gyana-move-b` to `gyana-other`, which is a different app.",
    );
    expect(emu.state.addons.get(id)?.appId).toBe(app.id);
    vi.restoreAllMocks();
  });

  it("times out with the add-on's last state when provisioning takes longer than the deadline", async () => {
    const slow = await startHerokuEmulator({ token: env.emu.token, addonProvisioningPolls: 1000 });
    const saved = process.env["HEROKU_API_URL"];
    process.env["HEROKU_API_URL"] = slow.url;
    process.env["HEROKU_ADDON_TIMEOUT_MS"] = "60";
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      slow.state.createApp({ name: "gyana-slow", region: "eu" });
      const inputs = await checked({ app: "gyana-slow", plan: "heroku-redis:mini" });
      await expect(addon.provider.create(inputs)).rejects.toThrow(
        /timed out after \d+ s waiting for add-on gyana-slow-heroku-redis \(heroku-redis:mini\) to be provisioned \(last status: provisioning\)/,
      );
    } finally {
      process.env["HEROKU_API_URL"] = saved;
      delete process.env["HEROKU_ADDON_TIMEOUT_MS"];
      vi.restoreAllMocks();
      await slow.close();
    }
  });

  it("reads an add-on from its id alone with inputs that match the live add-on", async () => {
    const live = env.emu.state.createAddon("gyana-other", {
      plan: "heroku-postgresql:essential-0",
      name: "read-me",
      provisioned: true,
    });
    const read = await addon.provider.read!(live.id);
    expect(read.inputs).toEqual({
      app: "gyana-other",
      plan: "heroku-postgresql:essential-0",
      name: "read-me",
    });
    const inputs = await checked(read.inputs as AddonInputs);
    expect((await addon.provider.diff!(live.id, read.props!, inputs)).changes).toBe(false);
  });
});
