// ConfigVarQuerySuffix (the REDIS_URL `?ssl_cert_reqs=none` mechanism) through its serialized
// provider against the emulator: it waits for the add-on to set the var, appends the parameter
// once, reports a Heroku rotation on read so the next up re-applies it, and never blanks the var.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigVarQuerySuffix,
  withQueryParam,
  withoutQueryParam,
} from "../../providers/heroku/configVarQuerySuffix";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

const PARAM = "ssl_cert_reqs=none";

let emu: HerokuEmulator;
let suffix: SerializedResource;

beforeAll(async () => {
  emu = await startHerokuEmulator({ addonProvisioningDelayMs: 400 });
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  process.env["HEROKU_POLL_INTERVAL_MS"] = "50";
  process.env["HEROKU_POLL_MAX_INTERVAL_MS"] = "100";
  const loaded = await declareAndLoad(() => {
    new ConfigVarQuerySuffix("redis-tls", { app: "gyana-kv", name: "REDIS_URL", param: PARAM });
  });
  suffix = loaded.get("redis-tls")!;
});

afterAll(async () => {
  await emu.close();
});

describe("withQueryParam", () => {
  it("appends with ? or &, replaces the same key, and is idempotent", () => {
    expect(withQueryParam("rediss://:p@h:1", PARAM)).toBe("rediss://:p@h:1?ssl_cert_reqs=none");
    expect(withQueryParam("rediss://:p@h:1?db=0", PARAM)).toBe(
      "rediss://:p@h:1?db=0&ssl_cert_reqs=none",
    );
    expect(withQueryParam("rediss://h?ssl_cert_reqs=required&db=0", PARAM)).toBe(
      "rediss://h?ssl_cert_reqs=none&db=0",
    );
    expect(withQueryParam("rediss://h?ssl_cert_reqs=none", PARAM)).toBe(
      "rediss://h?ssl_cert_reqs=none",
    );
    expect(withoutQueryParam("rediss://h?db=0&ssl_cert_reqs=none", PARAM)).toBe("rediss://h?db=0");
    expect(withoutQueryParam("rediss://h?ssl_cert_reqs=none", PARAM)).toBe("rediss://h");
  });
});

describe("ConfigVarQuerySuffix provider (serialized, against the emulator)", () => {
  it("waits for the add-on to set REDIS_URL, then appends the parameter with one PATCH", async () => {
    const app = emu.state.createApp({ name: "gyana-kv", region: "eu" });
    const addon = emu.state.createAddon(app, { plan: "heroku-redis:mini" });
    expect(app.configVars["REDIS_URL"]).toBeUndefined();
    emu.resetCounts();
    const started = Date.now();
    const created = await suffix.provider.create(
      (await suffix.provider.check!({}, { ...suffix.inputs, source: addon.id })).inputs,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(app.configVars["REDIS_URL"]).toMatch(/^rediss:\/\/.*\?ssl_cert_reqs=none$/);
    expect(created.outs).toMatchObject({ applied: true, present: true });
    expect(emu.requests.filter((r) => r.method !== "GET").map((r) => r.route)).toEqual([
      "PATCH /apps/{app}/config-vars",
    ]);
    expect(emu.violations).toEqual([]);

    // Idempotent: nothing to do on the next run.
    const inputs = { ...suffix.inputs, source: addon.id };
    const read = await suffix.provider.read!(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    expect((await suffix.provider.diff!(created.id, read.props, inputs)).changes).toBe(false);
  });

  it("after Heroku rotates the URL, read shows the loss and update restores it on the new URL", async () => {
    const inputs = {
      ...suffix.inputs,
      source: emu.state.addonsOf(emu.state.app("gyana-kv"))[0]!.id,
    };
    const outs = { ...inputs, applied: true, present: true };
    const rotated = emu.state.rotateAddonUrl("gyana-kv", "REDIS_URL");
    expect(rotated).not.toContain("ssl_cert_reqs");

    const read = await suffix.provider.read!("gyana-kv/REDIS_URL", outs);
    expect(read.props).toMatchObject({ applied: false, present: true });
    const diff = await suffix.provider.diff!("gyana-kv/REDIS_URL", read.props, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await suffix.provider.update!("gyana-kv/REDIS_URL", read.props, inputs);
    expect(updated.outs.applied).toBe(true);
    expect(emu.state.app("gyana-kv").configVars["REDIS_URL"]).toBe(`${rotated}?${PARAM}`);
  });

  it("keeps an existing query and delete gives the URL back without the parameter, never blank", async () => {
    const app = emu.state.app("gyana-kv");
    app.configVars["REDIS_URL"] = "rediss://:p@h.example.com:6379?db=2";
    const created = await suffix.provider.create(suffix.inputs);
    expect(app.configVars["REDIS_URL"]).toBe(
      "rediss://:p@h.example.com:6379?db=2&ssl_cert_reqs=none",
    );
    await suffix.provider.delete!(created.id, created.outs);
    expect(app.configVars["REDIS_URL"]).toBe("rediss://:p@h.example.com:6379?db=2");
    // A deleted app: read says gone, delete is quiet.
    emu.state.deleteApp(app);
    expect((await suffix.provider.read!(created.id, created.outs)).id).toBe("");
    await suffix.provider.delete!(created.id, created.outs);
  });
});
