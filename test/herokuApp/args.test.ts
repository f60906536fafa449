// HerokuApp's arguments: adopted SECRET_KEY/HASHIDS_SALT replace the generated ones, the EU
// Honeybadger endpoint, clear errors for bad arguments, and a missing secret through index.ts.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { HerokuApp, type HerokuAppArgs } from "../../components/herokuApp";
import { runUnderMocks, type RegisteredResource } from "../../tools/mockRuntime";
import { readStackFile } from "../../tools/stackFile";
import { loadProgram, runTestStack, testSecrets } from "../support/stack";

const baseArgs = (): HerokuAppArgs => ({
  name: "gyana-args",
  stack: "heroku-24",
  environment: "staging",
  externalUrl: "https://gyana-args.herokuapp.com",
  gcpProject: "gyana-args-1",
  addons: {
    postgres: { plan: "heroku-postgresql:essential-0" },
    redis: { plan: "heroku-redis:mini" },
  },
  formation: { web: { quantity: 1, size: "basic" } },
  pipeline: { name: "gyana", stage: "staging" },
  serviceAccountEmail: "sa@gyana-args-1.iam.gserviceaccount.com",
  googleCredentials: pulumi.secret("{}"),
  bucketName: "gyana-args",
  redisTlsBuildpackUrl:
    "https://storage.googleapis.com/gyana-args-1-buildpacks/redis-tls-0123456789abcdef.tgz",
  secrets: {
    hellonextSsoToken: pulumi.secret("h"),
    honeybadgerApiKey: pulumi.secret("hb/key+1"),
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
    program: () => {
      new HerokuApp("app", args);
      return {};
    },
  });
  return resources;
}

describe("HerokuApp arguments", () => {
  it("uses a given SECRET_KEY and HASHIDS_SALT and generates neither", async () => {
    const secretKey = "k".repeat(50) + "-live-secret-key";
    const hashidsSalt = "live-hashids-salt-0123456789abcd";
    const run = await runTestStack("prod", {
      preview: false,
      secrets: { "gyana:secretKey": secretKey, "gyana:hashidsSalt": hashidsSalt },
    });
    expect(run.resources.filter((r) => r.type.startsWith("random:"))).toEqual([]);
    const cv = run.resources.find((r) => r.type === "pulumi-nodejs:dynamic/heroku:ConfigVars")!;
    expect(cv.inputs["sensitiveVars"]).toMatchObject({
      SECRET_KEY: secretKey,
      HASHIDS_SALT: hashidsSalt,
    });
    expect(JSON.stringify(cv.maskedInputs)).not.toContain(secretKey);
  });

  it("a missing secret fails index.ts with an error naming the key and the command", async () => {
    const file = readStackFile("staging", { secrets: await testSecrets() });
    delete file.config["gyana:sendgridApiKey"];
    await expect(
      runUnderMocks({
        project: "gyana",
        stack: "staging",
        config: file.config,
        secretKeys: file.secretKeys.filter((k) => k !== "gyana:sendgridApiKey"),
        program: loadProgram,
      }),
    ).rejects.toThrow(
      "gyana:sendgridApiKey: missing; set it with `pulumi config set --secret gyana:sendgridApiKey`",
    );
  });

  it("sends deploys to eu-api.honeybadger.io for an EU project, key URL-encoded", async () => {
    const resources = await declare({ ...baseArgs(), honeybadger: { endpoint: "eu" } });
    const hook = resources.find((r) => r.type === "pulumi-nodejs:dynamic/heroku:AppWebhook")!;
    expect(hook.inputs["url"]).toBe(
      "https://eu-api.honeybadger.io/v1/deploys/heroku?environment=staging&api_key=hb%2Fkey%2B1",
    );
  });

  it("merges extra secret vars into the secret map and shows their names", async () => {
    const resources = await declare({
      ...baseArgs(),
      extraConfigVars: { ENGINE_URL: "bigquery://gyana-args-1" },
      extraSecretConfigVars: pulumi.secret({ STRIPE_KEY: "sk_live" }),
    });
    const cv = resources.find((r) => r.type === "pulumi-nodejs:dynamic/heroku:ConfigVars")!;
    expect((cv.inputs["vars"] as Record<string, string>)["ENGINE_URL"]).toBe(
      "bigquery://gyana-args-1",
    );
    expect(cv.maskedInputs["sensitiveVarNames"]).toContain("STRIPE_KEY");
    expect(JSON.stringify(cv.maskedInputs)).not.toContain("sk_live");
  });

  it("refuses an extra config var that the component or an add-on owns", async () => {
    await expect(
      declare({ ...baseArgs(), extraConfigVars: { REDIS_URL: "redis://x", SECRET_KEY: "s" } }),
    ).rejects.toThrow(
      "`extraConfigVars` may not set REDIS_URL, SECRET_KEY: the component sets it from its real source (or the add-on owns it)",
    );
  });

  it("refuses a buildpack listed twice and an empty formation", async () => {
    await expect(
      declare({ ...baseArgs(), buildpacks: ["heroku/python", "heroku/python"] }),
    ).rejects.toThrow("`buildpacks` lists heroku/python twice");
    await expect(declare({ ...baseArgs(), formation: {} })).rejects.toThrow(
      "`formation` must declare at least one process type",
    );
  });

  it("a preview of a new stack already lists the secret var names, values unknown", async () => {
    const run = await runTestStack("prod");
    expect(run.maskedOutputs["herokuSensitiveConfigVarNames"]).toEqual([
      "GOOGLE_CREDENTIALS",
      "HASHIDS_SALT",
      "HELLONEXT_SSO_TOKEN",
      "HONEYBADGER_API_KEY",
      "HONEYCOMB_API_KEY",
      "SECRET_KEY",
      "SEGMENT_ANALYTICS_JS_WRITE_KEY",
      "SEGMENT_ANALYTICS_WRITE_KEY",
      "SENDGRID_API_KEY",
    ]);
  });

  it("gyana:secretConfigVars adds secret vars whose names show and values do not", async () => {
    const run = await runTestStack("staging", {
      preview: false,
      secrets: { "gyana:secretConfigVars": '{"STRIPE_API_KEY":"sk_test_51abc"}' },
    });
    expect(run.maskedOutputs["herokuSensitiveConfigVarNames"]).toContain("STRIPE_API_KEY");
    const cv = run.resources.find((r) => r.type === "pulumi-nodejs:dynamic/heroku:ConfigVars")!;
    expect((cv.inputs["sensitiveVars"] as Record<string, string>)["STRIPE_API_KEY"]).toBe(
      "sk_test_51abc",
    );
    expect(JSON.stringify([run.maskedOutputs, cv.maskedInputs])).not.toContain("sk_test_51abc");
  });
});
