// The retired ConfigVarQuerySuffix. Heroku refuses writes to an add-on attachment's config vars,
// so the old provider (kept as a fixture) fails against the emulator on create, and its delete
// fails too whenever the live REDIS_URL carries the parameter. The retired provider makes no API
// call in any operation, and takes over an old state entry with one update.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigVarQuerySuffix } from "../../providers/heroku/configVarQuerySuffix";
import { LegacyConfigVarQuerySuffix } from "../e2e/fixtures/legacyConfigVarQuerySuffix";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import { counted } from "./herokuTestKit";

const PARAM = "ssl_cert_reqs=none";

let emu: HerokuEmulator;
let legacy: SerializedResource;
let retired: SerializedResource;

beforeAll(async () => {
  emu = await startHerokuEmulator({ addonProvisioningPolls: 0 });
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  process.env["HEROKU_POLL_INTERVAL_MS"] = "5";
  process.env["HEROKU_POLL_MAX_INTERVAL_MS"] = "20";
  const app = emu.state.createApp({ name: "gyana-kv", region: "eu" });
  emu.state.createAddon(app, { plan: "heroku-redis:mini", name: "gyana-kv-redis" });
  const loaded = await declareAndLoad(() => {
    new LegacyConfigVarQuerySuffix("legacy", { app: "gyana-kv", name: "REDIS_URL", param: PARAM });
    new ConfigVarQuerySuffix("retired", { app: "gyana-kv" });
  });
  legacy = loaded.get("legacy")!;
  retired = loaded.get("retired")!;
});

afterAll(async () => {
  const violations = [...emu.violations];
  await emu.close();
  expect(violations).toEqual([]);
});

const redisUrl = () => emu.state.app("gyana-kv").configVars["REDIS_URL"]!;

describe("the old ConfigVarQuerySuffix against Heroku's attachment rule", () => {
  it("fails its create: Heroku refuses to overwrite REDIS_URL, the Redis attachment's var", async () => {
    const before = redisUrl();
    await expect(legacy.provider.create(legacy.inputs)).rejects.toThrow(
      "422 invalid_params: Cannot overwrite attachment values REDIS_URL.",
    );
    expect(redisUrl()).toBe(before);
  });

  it("fails its delete when the live URL carries the parameter: why the retired resource stays declared", async () => {
    // As a stack made against the old emulator (or a URL edited before the rule) would have it.
    const app = emu.state.app("gyana-kv");
    app.configVars["REDIS_URL"] = `${redisUrl()}?${PARAM}`;
    const outs = { app: "gyana-kv", name: "REDIS_URL", param: PARAM, applied: true, present: true };
    await expect(legacy.provider.delete!("gyana-kv/REDIS_URL", outs)).rejects.toThrow(
      "Cannot overwrite attachment values REDIS_URL.",
    );
    // Without the parameter (Heroku rewrote the URL since) it reads once and writes nothing.
    app.configVars["REDIS_URL"] = redisUrl().replace(`?${PARAM}`, "");
    const quiet = await counted(emu, () => legacy.provider.delete!("gyana-kv/REDIS_URL", outs));
    expect(quiet.routes).toEqual(["GET /apps/{app}/config-vars"]);
  });
});

describe("the retired ConfigVarQuerySuffix", () => {
  it("makes no API call to create, read, update or delete", async () => {
    const steps = await counted(emu, async () => {
      const { id, outs } = await retired.provider.create(retired.inputs);
      expect(id).toBe("gyana-kv/REDIS_URL");
      expect(outs).toEqual({ app: "gyana-kv", retired: true });
      expect((await retired.provider.read!(id, outs)).props).toEqual(outs);
      expect((await retired.provider.diff!(id, outs, retired.inputs)).changes).toBe(false);
      await retired.provider.delete!(id, outs);
    });
    expect(steps.routes).toEqual([]);
  });

  it("takes over an entry the old provider made with one update and no API call", async () => {
    const old = { app: "gyana-kv", name: "REDIS_URL", param: PARAM, source: "x:y", applied: true };
    const steps = await counted(emu, async () => {
      expect(await retired.provider.diff!("gyana-kv/REDIS_URL", old, retired.inputs)).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const updated = await retired.provider.update!("gyana-kv/REDIS_URL", old, retired.inputs);
      expect(updated.outs).toEqual({ app: "gyana-kv", retired: true });
    });
    expect(steps.routes).toEqual([]);
  });
});
