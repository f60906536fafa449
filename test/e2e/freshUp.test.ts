// A fresh `pulumi up` of each stack against fresh emulators: every request the providers send is
// valid for Heroku's schema, the app ends up as the runbook describes, and a second up with the
// same config writes nothing.
import { afterEach, describe, expect, it } from "vitest";
import type { EngineState } from "../../tools/emulatedUp";
import { testSecrets } from "../support/stack";
import {
  APP_PROCESS_TYPES,
  allowSeveralUps,
  changes,
  createPipeline,
  writesOf,
  startE2eEnvironment,
  up,
  type E2eEnvironment,
} from "./harness";

allowSeveralUps();

const APPS = { dev: "gyana-dev", staging: "gyana-release", prod: "gyana-beta" } as const;
const STAGES = { dev: "development", staging: "staging", prod: "production" } as const;

let emulators: E2eEnvironment | undefined;

afterEach(async () => {
  await emulators?.close();
  emulators = undefined;
});

describe.each(Object.keys(APPS) as (keyof typeof APPS)[])("fresh up of the %s stack", (stack) => {
  it("creates the whole app with schema-valid requests, then a second up writes nothing", async () => {
    emulators = await startE2eEnvironment();
    const { heroku } = emulators;
    if (stack !== "prod") await createPipeline(heroku);

    const first = await up(stack, undefined);
    expect(heroku.violations).toEqual([]);
    expect(first.steps.filter((s) => s.op !== "create")).toEqual([]);

    const app = heroku.state.app(APPS[stack]);
    expect(app.region.name).toBe("eu");
    // The runbook's three, then the Redis TLS buildpack from the project's public bucket.
    expect(app.buildpacks.map((b) => b.name)).toEqual([
      "heroku/nodejs",
      "heroku/python",
      "https://github.com/buyersight/heroku-google-application-credentials-buildpack.git",
      expect.stringMatching(
        /^https:\/\/storage\.googleapis\.com\/[a-z0-9-]+-buildpacks\/redis-tls-[0-9a-f]{16}\.tgz$/,
      ),
    ]);
    expect(Object.keys(app.configVars).sort()).toEqual(
      [
        "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "ENGINE_URL",
        "ENVIRONMENT",
        "EXTERNAL_URL",
        "GCP_BQ_SVC_ACCOUNT",
        "GCP_PROJECT",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_CREDENTIALS",
        "GS_BUCKET_NAME",
        "HASHIDS_SALT",
        "HELLONEXT_SSO_TOKEN",
        "HEROKU_APP",
        "HEROKU_POSTGRESQL_" +
          (Object.keys(app.configVars)
            .find((k) => k.startsWith("HEROKU_POSTGRESQL_"))
            ?.slice(18) ?? ""),
        "HONEYBADGER_API_KEY",
        "HONEYCOMB_API_KEY",
        "REDIS_URL",
        "SECRET_KEY",
        "SEGMENT_ANALYTICS_JS_WRITE_KEY",
        "SEGMENT_ANALYTICS_WRITE_KEY",
        "SENDGRID_API_KEY",
      ].sort(),
    );
    // The add-on's URL, untouched: the buildpack adds ssl_cert_reqs=none in each dyno.
    expect(app.configVars["REDIS_URL"]).toMatch(/^rediss:\/\/[^?]+$/);
    expect(heroku.requests.filter((r) => r.route === "PATCH /apps/{app}/config-vars")).not.toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          body: expect.objectContaining({ REDIS_URL: expect.anything() }),
        }),
      ]),
    );
    expect(app.configVars["HEROKU_APP"]).toBe(APPS[stack]);
    // No stack opts in to an app HEROKU_API_KEY (gyana:heroku.apiKeyConfigVar): no token is made.
    expect(heroku.state.authorizations.size).toBe(0);
    expect([...app.webhooks.values()].map((w) => [w.include, w.level])).toEqual([
      [["api:release"], "notify"],
    ]);
    expect([...app.logDrains.values()].map((d) => d.url)).toEqual([
      expect.stringMatching(
        /^https:\/\/logplex\.honeybadger\.io\/v1\/events\?api_key=test-honeybadger-key-91c2&env=/,
      ),
    ]);
    // Values that came back from providers stay secret where their inputs were: nothing secret
    // shows in a preview or the outputs.
    const shown = JSON.stringify([first.resources.map((r) => r.maskedInputs), first.maskedOutputs]);
    for (const [key, value] of Object.entries(await testSecrets())) {
      if (!key.startsWith("gyana:tls")) expect(shown, key).not.toContain(value);
    }
    expect(first.maskedOutputs["herokuSensitiveConfigVarNames"]).toContain("SENDGRID_API_KEY");
    const couplings = [...heroku.state.couplings.values()].filter((c) => c.appId === app.id);
    expect(couplings.map((c) => c.stage)).toEqual([STAGES[stack]]);

    if (stack === "prod") {
      // The runbook's custom domain: both hosts on one SNI endpoint with the wildcard
      // certificate, and GoDaddy CNAMEs pointing at each domain's Heroku DNS target, TTL 600.
      const [sni, ...otherSni] = [...app.sniEndpoints.values()];
      expect(otherSni).toEqual([]);
      expect(sni?.certificateChain).toBe((await testSecrets())["gyana:tlsCertificate"]);
      const custom = [...app.domains.values()]
        .filter((d) => d.kind === "custom")
        .sort((a, b) => a.hostname.localeCompare(b.hostname));
      expect(custom.map((d) => [d.hostname, d.sniEndpointId])).toEqual([
        ["app.gyana.com", sni?.id],
        ["beta.gyana.com", sni?.id],
      ]);
      const targetOf = (host: string) => custom.find((d) => d.hostname === host)?.cname;
      const records = [...(emulators.godaddy.zones.get("gyana.com") ?? [])];
      expect(records.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { type: "CNAME", name: "app", data: targetOf("app.gyana.com"), ttl: 600 },
        { type: "CNAME", name: "beta", data: targetOf("beta.gyana.com"), ttl: 600 },
      ]);
      expect(first.maskedOutputs["dnsTargets"]).toEqual({
        "app.gyana.com": targetOf("app.gyana.com"),
        "beta.gyana.com": targetOf("beta.gyana.com"),
      });
    }

    // The app's first deploy defines its process types; the next up scales them.
    heroku.state.deploy(app, {
      processTypes: APP_PROCESS_TYPES,
    });
    heroku.resetCounts();
    const scaled = await up(stack, first.state);
    expect(changes(scaled)).toEqual(["update app-formation"]);
    expect(writesOf(heroku)).toEqual(["PATCH /apps/{app}/formation"]);

    heroku.resetCounts();
    const dnsWritesBefore = emulators.godaddy.writes().length;
    const again = await up(stack, scaled.state as EngineState);
    expect(changes(again)).toEqual([]);
    expect(writesOf(heroku)).toEqual([]);
    expect(emulators.godaddy.writes().length).toBe(dnsWritesBefore);
    expect(heroku.violations).toEqual([]);
  });
});
