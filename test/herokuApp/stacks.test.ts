// HerokuApp as each stack declares it: the real index.ts under mocks, with test values for every
// secret, asserting the exact values the runbook asks for and where each one comes from.
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BUILDPACKS } from "../../components/herokuApp";
import type { RegisteredResource, MockResult } from "../../tools/mockRuntime";
import { planMocks } from "../../tools/runStack";
import type { StackRun } from "../../tools/runStack";
import { runTestStack, testSecrets } from "../support/stack";

const T = "pulumi-nodejs:dynamic/heroku:";
const TEST_TOKEN = "HRKU-test-authorization-token-61b0";

/**
 * Outputs a real `up` would give the Heroku resources: ids (an App's, Pipeline's and Addon's
 * resource id is its uuid, as the providers return it), the OAuth token, add-on names.
 */
function upMocks(r: RegisteredResource): MockResult {
  const base = planMocks(r);
  const state = { ...base.state };
  let id = base.id ?? `${r.name}-id`;
  switch (r.type) {
    case `${T}App`:
      id = "0b5e7c9e-0000-4000-8000-00000000a990";
      Object.assign(state, {
        appId: id,
        webUrl: `https://${String(r.inputs["name"])}-0a1b2c.herokuapp.com/`,
      });
      break;
    case `${T}Authorization`:
      Object.assign(state, { token: TEST_TOKEN, authorizationId: "auth-id" });
      break;
    case `${T}Addon`:
      Object.assign(state, { addonId: id, name: `${r.name}-heroku-name` });
      break;
    case `${T}Pipeline`:
      id = "pipeline-uuid";
      Object.assign(state, { pipelineId: id });
      break;
    case `${T}ConfigVars`:
      Object.assign(state, {
        sensitiveVarNames: Object.keys((r.inputs["sensitiveVars"] ?? {}) as object).sort(),
      });
      break;
  }
  return { id, state };
}

const PLAIN = [
  "DJANGO_SETTINGS_MODULE",
  "ENGINE_URL",
  "ENVIRONMENT",
  "EXTERNAL_URL",
  "GCP_BQ_SVC_ACCOUNT",
  "GCP_PROJECT",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "GS_BUCKET_NAME",
  "HEROKU_APP",
];
const SECRET = [
  "GOOGLE_CREDENTIALS",
  "HASHIDS_SALT",
  "HELLONEXT_SSO_TOKEN",
  "HONEYBADGER_API_KEY",
  "HONEYCOMB_API_KEY",
  "SECRET_KEY",
  "SEGMENT_ANALYTICS_JS_WRITE_KEY",
  "SEGMENT_ANALYTICS_WRITE_KEY",
  "SENDGRID_API_KEY",
];

const EXPECTED = {
  dev: {
    app: "gyana-dev",
    environment: "development",
    externalUrl: "https://gyana-dev.herokuapp.com",
    project: "gyana-dev-test",
    stage: "development",
    ownsPipeline: false,
    protect: false,
    plans: ["heroku-postgresql:essential-0", "heroku-redis:mini"],
    formation: {
      web: { quantity: 1, size: "basic" },
      worker: { quantity: 1, size: "basic" },
      priority: { quantity: 1, size: "basic" },
      beat: { quantity: 1, size: "basic" },
    },
  },
  staging: {
    app: "gyana-release",
    environment: "staging",
    externalUrl: "https://gyana-release.herokuapp.com",
    project: "gyana-release-test",
    stage: "staging",
    ownsPipeline: false,
    protect: false,
    plans: ["heroku-postgresql:essential-0", "heroku-redis:mini"],
    formation: {
      web: { quantity: 1, size: "standard-1x" },
      worker: { quantity: 1, size: "standard-1x" },
      priority: { quantity: 1, size: "standard-1x" },
      beat: { quantity: 1, size: "standard-1x" },
    },
  },
  prod: {
    app: "gyana-beta",
    environment: "production",
    externalUrl: "https://app.gyana.com",
    project: "gyana-app-314217",
    stage: "production",
    ownsPipeline: true,
    protect: true,
    plans: ["heroku-postgresql:standard-0", "heroku-redis:premium-0"],
    formation: {
      web: { quantity: 2, size: "standard-2x" },
      worker: { quantity: 1, size: "standard-2x" },
      priority: { quantity: 1, size: "standard-1x" },
      beat: { quantity: 1, size: "standard-1x" },
    },
  },
} as const;

describe.each(Object.entries(EXPECTED))("HerokuApp in the %s stack", (stack, want) => {
  let run: StackRun;
  let secrets: Record<string, string>;
  const one = (type: string, name?: string): RegisteredResource => {
    const found = run.resources.filter(
      (r) => r.type === type && (name === undefined || r.name === name),
    );
    expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
    return found[0]!;
  };
  const configVars = () => one(`${T}ConfigVars`);

  beforeAll(async () => {
    secrets = await testSecrets();
    run = await runTestStack(stack, { preview: false, onResource: upMocks });
  });

  it(`declares the app ${want.app} in region eu under one gyana:heroku:App component`, () => {
    const component = one("gyana:heroku:App");
    const app = one(`${T}App`);
    expect(app.inputs).toMatchObject({
      name: want.app,
      region: "eu",
      stack: "heroku-24",
    });
    // No stack sets gyana:heroku.maintenance: it is left to the release and rollback tools.
    expect(app.inputs).not.toHaveProperty("maintenance");
    const children = run.resources.filter((r) => r.parentUrn === component.urn);
    expect(children.map((r) => r.type.replace(T, "")).sort()).toEqual(
      [
        "Addon",
        "Addon",
        "App",
        "AppWebhook",
        "Buildpacks",
        "ConfigVarQuerySuffix",
        "ConfigVars",
        "Formation",
        "LogDrain",
        "PipelineCoupling",
        ...(want.ownsPipeline ? ["Pipeline"] : []),
        "random:index/randomPassword:RandomPassword",
        "random:index/randomPassword:RandomPassword",
      ].sort(),
    );
  });

  it("installs the runbook's three buildpacks in order, then the Redis TLS buildpack from the project's public bucket", () => {
    const project = run.config.gcpProject;
    expect(one(`${T}Buildpacks`).inputs["buildpacks"]).toEqual([
      "heroku/nodejs",
      "heroku/python",
      "https://github.com/buyersight/heroku-google-application-credentials-buildpack.git",
      expect.stringMatching(
        new RegExp(
          `^https://storage\\.googleapis\\.com/${project}-buildpacks/redis-tls-[0-9a-f]{16}\\.tgz$`,
        ),
      ),
    ]);
    expect(DEFAULT_BUILDPACKS).toHaveLength(3);
  });

  it(`provisions ${want.plans.join(" and ")}`, () => {
    const addons = run.resources.filter((r) => r.type === `${T}Addon`);
    expect(addons.map((a) => a.inputs["plan"])).toEqual(want.plans);
  });

  it("sets exactly the runbook's plain config vars, each from its real source", () => {
    const vars = configVars().inputs["vars"] as Record<string, string>;
    expect(Object.keys(vars).sort()).toEqual(PLAIN);
    expect(vars).toEqual({
      DJANGO_SETTINGS_MODULE: "gyana.settings.heroku",
      ENGINE_URL: `bigquery://${want.project}`,
      ENVIRONMENT: want.environment,
      EXTERNAL_URL: want.externalUrl,
      GCP_BQ_SVC_ACCOUNT: run.outputs["serviceAccountEmail"],
      GCP_PROJECT: want.project,
      GOOGLE_APPLICATION_CREDENTIALS: "google-credentials.json",
      GS_BUCKET_NAME: run.outputs["bucketName"],
      HEROKU_APP: want.app,
    });
    const account = one("gcp:serviceaccount/account:Account");
    expect(vars["GCP_BQ_SVC_ACCOUNT"]).toBe(
      `${String(account.inputs["accountId"])}@${want.project}.iam.gserviceaccount.com`,
    );
    expect(vars["GS_BUCKET_NAME"]).toBe(
      one("gcp:storage/bucket:Bucket", "gcp-uploads").inputs["name"],
    );
    // Plain values are readable in a preview.
    expect(configVars().maskedInputs["vars"]).toEqual(vars);
  });

  it("sets every secret var from its source, values masked and names in plain view", () => {
    const cv = configVars();
    const sensitive = cv.inputs["sensitiveVars"] as Record<string, string>;
    expect(Object.keys(sensitive).sort()).toEqual(SECRET);
    expect(cv.maskedInputs["sensitiveVars"]).toBe("[secret]");
    expect(cv.maskedInputs["sensitiveVarNames"]).toEqual(SECRET);
    expect(sensitive).toMatchObject({
      HELLONEXT_SSO_TOKEN: secrets["gyana:hellonextSsoToken"],
      HONEYBADGER_API_KEY: secrets["gyana:honeybadgerApiKey"],
      HONEYCOMB_API_KEY: secrets["gyana:honeycombApiKey"],
      SEGMENT_ANALYTICS_JS_WRITE_KEY: secrets["gyana:segmentAnalyticsJsWriteKey"],
      SEGMENT_ANALYTICS_WRITE_KEY: secrets["gyana:segmentAnalyticsWriteKey"],
      SENDGRID_API_KEY: secrets["gyana:sendgridApiKey"],
    });
    const key = one("gcp:serviceaccount/key:Key");
    expect(JSON.parse(sensitive["GOOGLE_CREDENTIALS"]!)).toMatchObject({
      type: "service_account",
      client_email: run.outputs["serviceAccountEmail"],
    });
    expect(key.custom).toBe(true);
    const passwords = run.resources.filter(
      (r) => r.type === "random:index/randomPassword:RandomPassword",
    );
    const byName = Object.fromEntries(passwords.map((p) => [p.name, p.inputs]));
    expect(byName["app-hashids-salt"]).toMatchObject({ length: 32, special: false });
    expect(Number(byName["app-secret-key"]?.["length"])).toBeGreaterThanOrEqual(50);
    expect(sensitive["HASHIDS_SALT"]).toHaveLength(32);
    expect(sensitive["SECRET_KEY"]!.length).toBeGreaterThanOrEqual(50);
  });

  it("never shows a secret value in any registered input or stack output", () => {
    const visible = JSON.stringify([run.resources.map((r) => r.maskedInputs), run.maskedOutputs]);
    for (const [key, value] of Object.entries(secrets)) {
      if (key.startsWith("gyana:tls")) continue;
      expect(visible, key).not.toContain(value);
    }
    expect(visible).not.toContain(TEST_TOKEN);
  });

  it(`couples the app to the gyana pipeline at stage ${want.stage}`, () => {
    const coupling = one(`${T}PipelineCoupling`);
    expect(coupling.inputs["stage"]).toBe(want.stage);
    const pipelines = run.resources.filter((r) => r.type === `${T}Pipeline`);
    if (want.ownsPipeline) {
      expect(pipelines.map((p) => p.inputs["name"])).toEqual(["gyana"]);
      expect(coupling.inputs["pipeline"]).toBe("pipeline-uuid");
      expect(pipelines[0]).toMatchObject({ retainOnDelete: true });
    } else {
      expect(pipelines).toEqual([]);
      expect(coupling.inputs["pipeline"]).toBe("gyana");
    }
  });

  it("tracks deploys and platform errors in Honeybadger with the API key masked", () => {
    const key = secrets["gyana:honeybadgerApiKey"];
    const hook = one(`${T}AppWebhook`);
    expect(hook.inputs).toMatchObject({
      include: ["api:release"],
      level: "notify",
      url: `https://api.honeybadger.io/v1/deploys/heroku?environment=${want.environment}&api_key=${key}`,
    });
    expect(hook.maskedInputs["url"]).toBe("[secret]");
    const drain = one(`${T}LogDrain`);
    expect(drain.inputs["url"]).toBe(
      `https://logplex.honeybadger.io/v1/events?api_key=${key}&env=${want.environment}`,
    );
    expect(drain.maskedInputs["url"]).toBe("[secret]");
  });

  it("scales the formation from stack config, every Procfile process type included", () => {
    expect(one(`${T}Formation`).inputs["processes"]).toEqual(want.formation);
  });

  it(
    want.protect
      ? "protects the app and the Postgres add-on, not Redis, and retains every resource"
      : "protects and retains nothing",
    () => {
      const flags = (r: RegisteredResource) => [r.protect, r.retainOnDelete];
      expect(flags(one(`${T}App`))).toEqual([want.protect, want.protect]);
      expect(flags(one(`${T}Addon`, "app-postgres"))).toEqual([want.protect, want.protect]);
      expect(flags(one(`${T}Addon`, "app-redis"))).toEqual([false, want.protect]);
      // A removal of the prod stack must leave the app intact: every child is retained.
      const component = one("gyana:heroku:App");
      const children = run.resources.filter((r) => r.parentUrn === component.urn);
      expect(children.length).toBeGreaterThan(10);
      for (const r of children) expect(r.retainOnDelete, r.name).toBe(want.protect);
    },
  );

  it("never writes REDIS_URL: the retired app-redis-tls is inert, and nothing waits for an add-on", () => {
    const retired = one(`${T}ConfigVarQuerySuffix`, "app-redis-tls");
    expect(Object.keys(retired.inputs).filter((k) => k !== "__provider")).toEqual(["app"]);
    const vars = one(`${T}ConfigVars`);
    for (const key of ["vars", "sensitiveVars"]) {
      expect(Object.keys(vars.inputs[key] as object)).not.toContain("REDIS_URL");
    }
    const redis = one(`${T}Addon`, "app-redis");
    const postgres = one(`${T}Addon`, "app-postgres");
    for (const r of run.resources) {
      expect(r.dependencies, r.name).not.toContain(redis.urn);
      expect(r.dependencies, r.name).not.toContain(postgres.urn);
    }
  });
});
