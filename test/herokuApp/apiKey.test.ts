// The app's HEROKU_API_KEY is opt-in (gyana:heroku.apiKeyConfigVar), off in every stack file: the
// app at HEAD does not read it, and a Heroku token is account-wide (docs/security.md). When the
// stack does not (or no longer) manage it, a live HEROKU_API_KEY is left exactly as it is: the
// ConfigVars provider never writes null for it, and its authorization is never revoked.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { HerokuApp, type HerokuAppArgs } from "../../components/herokuApp";
import { ConfigVars } from "../../providers/heroku";
import { runUnderMocks, type RegisteredResource } from "../../tools/mockRuntime";
import { declareAndLoad } from "../support/hostedProvider";
import { runTestStack } from "../support/stack";
import { useHerokuEmulator } from "../heroku/herokuTestKit";

const T = "pulumi-nodejs:dynamic/heroku:";
const ROOT = path.resolve(__dirname, "../..");

const baseArgs = (): HerokuAppArgs => ({
  name: "gyana-key",
  stack: "heroku-24",
  environment: "staging",
  externalUrl: "https://gyana-key.herokuapp.com",
  gcpProject: "gyana-key-1",
  addons: {
    postgres: { plan: "heroku-postgresql:essential-0" },
    redis: { plan: "heroku-redis:mini" },
  },
  formation: { web: { quantity: 1, size: "basic" } },
  pipeline: { name: "gyana", stage: "staging" },
  serviceAccountEmail: "sa@gyana-key-1.iam.gserviceaccount.com",
  googleCredentials: pulumi.secret("{}"),
  bucketName: "gyana-key",
  redisTlsBuildpackUrl:
    "https://storage.googleapis.com/p-buildpacks/redis-tls-0123456789abcdef.tgz",
  secrets: {
    hellonextSsoToken: pulumi.secret("h"),
    honeybadgerApiKey: pulumi.secret("hb"),
    honeycombApiKey: pulumi.secret("hc"),
    segmentAnalyticsJsWriteKey: pulumi.secret("sj"),
    segmentAnalyticsWriteKey: pulumi.secret("sp"),
    sendgridApiKey: pulumi.secret("sg"),
  },
});

async function declare(args: HerokuAppArgs): Promise<RegisteredResource[]> {
  const { resources } = await runUnderMocks({
    project: "gyana",
    stack: "test",
    config: {},
    secretKeys: [],
    onResource: (r) => ({
      id: `${r.name}-id`,
      state: r.type === `${T}Authorization` ? { ...r.inputs, token: "HRKU-x" } : r.inputs,
    }),
    program: () => {
      new HerokuApp("app", args);
      return {};
    },
  });
  return resources;
}

const configVarsOf = (resources: RegisteredResource[]) =>
  resources.find((r) => r.type === `${T}ConfigVars`)!;

describe("the app's HEROKU_API_KEY is off unless a stack opts in", () => {
  it("every stack file sets gyana:heroku.apiKeyConfigVar: false, with the reason beside it", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const text = readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
      const config = (parse(text) as { config: Record<string, { apiKeyConfigVar?: unknown }> })
        .config;
      expect(config["gyana:heroku"]?.apiKeyConfigVar, stack).toBe(false);
      expect(text, stack).toContain("docs/security.md");
    }
  });

  it.each(["dev", "staging", "prod"])(
    "%s declares no Authorization and no HEROKU_API_KEY, and never nulls a live one",
    async (stack) => {
      const run = await runTestStack(stack, { preview: false });
      expect(run.resources.filter((r) => r.type === `${T}Authorization`)).toEqual([]);
      const cv = configVarsOf(run.resources);
      expect(Object.keys(cv.inputs["sensitiveVars"] as object)).not.toContain("HEROKU_API_KEY");
      expect(cv.inputs["retainOnRemoval"]).toEqual(["HEROKU_API_KEY"]);
    },
  );

  it("opted in, the token is an account-wide read+write authorization kept on delete", async () => {
    const resources = await declare({ ...baseArgs(), apiKeyConfigVar: true });
    const auth = resources.filter((r) => r.type === `${T}Authorization`);
    expect(auth).toHaveLength(1);
    expect(auth[0]!.inputs["description"]).toBe("HEROKU_API_KEY of gyana-key (managed by Pulumi)");
    // Switching the opt-in off, or removing the stack, must not revoke a token the app may use.
    expect(auth[0]!.retainOnDelete).toBe(true);
    const cv = configVarsOf(resources);
    expect((cv.inputs["sensitiveVars"] as Record<string, string>)["HEROKU_API_KEY"]).toBe("HRKU-x");
    expect(cv.maskedInputs["sensitiveVarNames"]).toContain("HEROKU_API_KEY");
    // The token is a secret wherever it goes: no preview shows it.
    expect(JSON.stringify(resources.map((r) => r.maskedInputs))).not.toContain("HRKU-x");
  });

  it("refuses an authorization to adopt without the opt-in, in the component and in config", async () => {
    await expect(declare({ ...baseArgs(), imports: { apiKeyAuthorization: "x" } })).rejects.toThrow(
      "`imports.apiKeyAuthorization` needs `apiKeyConfigVar: true`",
    );
    await expect(
      runTestStack("dev", {
        overrides: {
          "gyana:imports": JSON.stringify({
            herokuApiKeyAuthorization: "01234567-89ab-cdef-0123-456789abcdef",
          }),
        },
      }),
    ).rejects.toThrow(
      "gyana:imports.herokuApiKeyAuthorization: is not allowed while gyana:heroku.apiKeyConfigVar is false",
    );
  });
});

describe("ConfigVars leaves a retained key as it is when it stops being declared", () => {
  const env = useHerokuEmulator();

  async function provider() {
    const loaded = await declareAndLoad(() => {
      new ConfigVars("cv", { app: "gyana-dev", retainOnRemoval: ["HEROKU_API_KEY"] });
    });
    return loaded.get("cv")!.provider;
  }

  it("an update that drops HEROKU_API_KEY sends no null for it; another dropped key is nulled, unchanged ones are not sent", async () => {
    const { emu } = env;
    const cv = await provider();
    const app = emu.state.createApp({ name: "gyana-cv-retain", region: "eu" });
    const olds = (
      await cv.check!(
        {},
        {
          app: "gyana-cv-retain",
          vars: { A: "1" },
          sensitiveVars: { HEROKU_API_KEY: "HRKU-live", OLD: "o" },
        },
      )
    ).inputs;
    const { id, outs } = await cv.create(olds);
    const news = (
      await cv.check!(outs, {
        app: "gyana-cv-retain",
        vars: { A: "1" },
        sensitiveVars: {},
        retainOnRemoval: ["HEROKU_API_KEY"],
      })
    ).inputs;
    const before = emu.requests.length;
    await cv.update!(id, outs, news);
    const patches = emu.requests.slice(before).filter((r) => r.method === "PATCH");
    expect(patches.map((r) => r.body)).toEqual([{ OLD: null }]);
    expect(app.configVars["HEROKU_API_KEY"]).toBe("HRKU-live");
    expect(app.configVars["OLD"]).toBeUndefined();
  });

  it("deleting the resource nulls its keys except the retained ones", async () => {
    const { emu } = env;
    const cv = await provider();
    const app = emu.state.createApp({ name: "gyana-cv-retain-del", region: "eu" });
    const inputs = (
      await cv.check!(
        {},
        {
          app: "gyana-cv-retain-del",
          sensitiveVars: { HEROKU_API_KEY: "HRKU-live", S: "s" },
          retainOnRemoval: ["HEROKU_API_KEY"],
        },
      )
    ).inputs;
    const { id, outs } = await cv.create(inputs);
    await cv.delete!(id, outs);
    expect(app.configVars["HEROKU_API_KEY"]).toBe("HRKU-live");
    expect(app.configVars["S"]).toBeUndefined();
  });

  it("a change of retainOnRemoval alone is recorded without a write (no release)", async () => {
    const { emu } = env;
    const cv = await provider();
    emu.state.createApp({ name: "gyana-cv-retain-only", region: "eu" });
    const olds = (await cv.check!({}, { app: "gyana-cv-retain-only", vars: { A: "1" } })).inputs;
    const { id, outs } = await cv.create(olds);
    const news = (
      await cv.check!(outs, {
        app: "gyana-cv-retain-only",
        vars: { A: "1" },
        retainOnRemoval: ["HEROKU_API_KEY"],
      })
    ).inputs;
    expect(await cv.diff!(id, outs, news)).toMatchObject({ changes: true });
    const before = emu.requests.length;
    const updated = await cv.update!(id, outs, news);
    expect(emu.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
    expect(updated.outs).toMatchObject({ retainOnRemoval: ["HEROKU_API_KEY"] });
  });
});
