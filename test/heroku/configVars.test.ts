// ConfigVars through the serialized provider against the emulator: only owned keys are touched
// (add-on and hand-set vars survive create, update and delete), a dropped key is PATCHed to null,
// each create/update is one PATCH, secret values stay secret, refresh sees drift in owned keys.
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { ConfigVars, type ConfigVarsInputs, type ConfigVarsOutputs } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { counted, secretOutputsOf, useHerokuEmulator } from "./herokuTestKit";

const env = useHerokuEmulator();
let cv: SerializedResource;
const SECRET = "django-secret-key-7f3a";

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new ConfigVars("cv", {
      app: "gyana-cv",
      vars: { ENVIRONMENT: "dev", DJANGO_SETTINGS_MODULE: "gyana.settings.heroku" },
      sensitiveVars: { SECRET_KEY: pulumi.secret(SECRET), HONEYBADGER_API_KEY: "hb-key" },
    });
  });
  cv = loaded.get("cv")!;
  const app = env.emu.state.createApp({ name: "gyana-cv", region: "eu" });
  env.emu.state.createAddon(app, { plan: "heroku-postgresql:essential-0", provisioned: true });
  env.emu.state.setConfigVars(app, { HAND_SET: "by-an-operator" });
});

async function checked(inputs: Partial<ConfigVarsInputs>): Promise<ConfigVarsInputs> {
  const result = await cv.provider.check!({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as ConfigVarsInputs;
}

describe("ConfigVars provider (serialized, against the emulator)", () => {
  it("registers sensitive values as secrets and their names in plain view", () => {
    expect(cv.resource.type).toBe("pulumi-nodejs:dynamic/heroku:ConfigVars");
    expect(cv.resource.maskedInputs["sensitiveVars"]).toBe("[secret]");
    expect(cv.resource.maskedInputs["sensitiveVarNames"]).toEqual([
      "HONEYBADGER_API_KEY",
      "SECRET_KEY",
    ]);
    expect(cv.resource.maskedInputs["vars"]).toEqual({
      ENVIRONMENT: "dev",
      DJANGO_SETTINGS_MODULE: "gyana.settings.heroku",
    });
    expect(JSON.stringify(cv.resource.maskedInputs)).not.toContain(SECRET);
    expect(JSON.stringify(cv.resource.maskedInputs)).not.toContain("hb-key");
  });

  it("asks the engine to keep the sensitive values secret in state", async () => {
    const secrets = await secretOutputsOf(() => {
      new ConfigVars("cv", { app: "gyana-dev", sensitiveVars: { S: "s" } });
    });
    expect(secrets["cv"]).toEqual(["sensitiveVars"]);
  });

  it("knows the sensitive names in a preview even when a value is not known yet", async () => {
    const loaded = await declareAndLoad(() => {
      new ConfigVars("preview", {
        app: "gyana-dev",
        sensitiveVars: { GOOGLE_CREDENTIALS: pulumi.output(pulumi.unknown as unknown as string) },
      });
    });
    const preview = loaded.get("preview")!;
    expect(preview.resource.maskedInputs["sensitiveVarNames"]).toEqual(["GOOGLE_CREDENTIALS"]);
  });

  it("lets values that are not known yet (preview) through check", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    for (const inputs of [
      { app: unknown, vars: unknown, sensitiveVars: unknown, sensitiveVarNames: unknown },
      {
        app: "gyana-dev",
        vars: { A: unknown },
        sensitiveVars: { S: unknown },
        sensitiveVarNames: unknown,
      },
    ]) {
      expect((await cv.provider.check!({}, inputs)).failures).toBeUndefined();
    }
  });

  it("rejects bad keys and a key that is both plain and sensitive, naming the property", async () => {
    const result = await cv.provider.check!(
      {},
      {
        app: "gyana-dev",
        vars: { "BAD-KEY": "x", BOTH: "1" },
        sensitiveVars: { BOTH: "2" },
      },
    );
    expect(result.failures).toEqual([
      { property: "vars", reason: '`vars` key "BAD-KEY" must match ^\\w+$ (letters, digits, _)' },
      { property: "sensitiveVars", reason: "`BOTH` is in both `vars` and `sensitiveVars`" },
    ]);
  });

  it("sets owned keys with one PATCH, leaves DATABASE_URL and hand-set vars alone through create, update and delete, and nulls a dropped key", async () => {
    const { emu } = env;
    const live = () => emu.state.app("gyana-cv").configVars;
    const databaseUrl = live()["DATABASE_URL"];
    expect(databaseUrl).toMatch(/^postgres:\/\//);
    // DATABASE_URL plus the colour alias, and the var an operator set by hand.
    const notOurs = { ...live() };
    expect(Object.keys(notOurs)).toHaveLength(3);
    const inputs = await checked(cv.inputs);

    const create = await counted(emu, () => cv.provider.create(inputs));
    const { id, outs } = create.result as { id: string; outs: ConfigVarsOutputs };
    expect(create.routes).toEqual([
      "GET /apps/{app}",
      "GET /apps/{app}/config-vars",
      "PATCH /apps/{app}/config-vars",
    ]);
    expect(outs.names).toEqual([
      "DJANGO_SETTINGS_MODULE",
      "ENVIRONMENT",
      "HONEYBADGER_API_KEY",
      "SECRET_KEY",
    ]);
    expect(live()).toMatchObject({
      ENVIRONMENT: "dev",
      SECRET_KEY: SECRET,
      DATABASE_URL: databaseUrl,
      HAND_SET: "by-an-operator",
    });

    const read = await counted(emu, () => cv.provider.read!(id, outs));
    expect(read.routes).toEqual(["GET /apps/{app}/config-vars"]);
    expect(read.result.props).toEqual(outs);
    expect(Object.keys(read.result.props!.vars!)).not.toContain("DATABASE_URL");
    const noop = await counted(emu, () => cv.provider.diff!(id, outs, inputs));
    expect(noop.result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(noop.routes).toEqual([]);

    const next = await checked({
      app: "gyana-cv",
      vars: { ENVIRONMENT: "staging" },
      sensitiveVars: { SECRET_KEY: SECRET },
    });
    expect(await cv.provider.diff!(id, outs, next)).toMatchObject({ changes: true, replaces: [] });
    const update = await counted(emu, () => cv.provider.update!(id, outs, next));
    expect(update.routes).toEqual(["PATCH /apps/{app}/config-vars"]);
    expect(emu.requests.at(-1)?.body).toEqual({
      DJANGO_SETTINGS_MODULE: null,
      HONEYBADGER_API_KEY: null,
      ENVIRONMENT: "staging",
      // SECRET_KEY holds the recorded value already: not sent again.
    });
    expect(live()).toEqual({ ...notOurs, ENVIRONMENT: "staging", SECRET_KEY: SECRET });
    expect(update.result.outs!.names).toEqual(["ENVIRONMENT", "SECRET_KEY"]);

    await cv.provider.delete!(id, update.result.outs!);
    expect(live()).toEqual(notOurs);
    emu.state.deleteApp(emu.state.app("gyana-cv"));
    await cv.provider.delete!(id, update.result.outs!);
    expect(await cv.provider.read!(id, update.result.outs!)).toEqual({ id: "" });
    expect(emu.violations).toEqual([]);
  });

  it("shows an owned key changed or removed by hand as drift on refresh, and ignores other keys", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-cv-drift", region: "eu" });
    const inputs = await checked({
      app: "gyana-cv-drift",
      vars: { A: "1", B: "2" },
      sensitiveVars: { S: "secret" },
    });
    const { id, outs } = await cv.provider.create(inputs);
    emu.state.setConfigVars(app, { A: "changed", B: null, UNRELATED: "x" });
    const read = await cv.provider.read!(id, outs);
    expect(read.props).toMatchObject({ vars: { A: "changed" }, sensitiveVars: { S: "secret" } });
    expect(read.inputs).toEqual({
      app: "gyana-cv-drift",
      vars: { A: "changed" },
      sensitiveVars: { S: "secret" },
      sensitiveVarNames: ["S"],
      retainOnRemoval: [],
    });
    expect(await cv.provider.diff!(id, read.props!, inputs)).toMatchObject({ changes: true });
    await cv.provider.update!(id, read.props!, inputs);
    expect(app.configVars).toEqual({ A: "1", B: "2", S: "secret", UNRELATED: "x" });
  });

  it("reads from the app id alone as owning nothing, so nothing is ever nulled by accident", async () => {
    const app = env.emu.state.createApp({ name: "gyana-cv-read", region: "eu" });
    env.emu.state.setConfigVars(app, { EXISTING: "1" });
    const read = await cv.provider.read!(app.id);
    expect(read.inputs).toEqual({
      app: app.id,
      vars: {},
      sensitiveVars: {},
      sensitiveVarNames: [],
    });
    expect(read.props!.names).toEqual([]);
  });
});
