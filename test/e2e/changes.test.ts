// The prod stack after its first up: one config value changes only what depends on it, a Redis
// URL rotation or plan change needs no write of REDIS_URL (the buildpack adds the TLS parameter at
// dyno start), and removing the stack refuses to delete the protected app and database, and after an
// unprotect retains every resource (the live app is left exactly as it runs). The dev stack,
// unprotected, is removed completely.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatedDestroy, type EngineState, type Step } from "../../tools/emulatedUp";
import { placeholderOverrides, readStackFile } from "../../tools/stackFile";
import { testSecrets } from "../support/stack";
import {
  allowSeveralUps,
  APP_PROCESS_TYPES,
  changes,
  createPipeline,
  writesOf,
  startE2eEnvironment,
  up,
  type E2eEnvironment,
} from "./harness";

allowSeveralUps();

/** URNs of the HerokuApp component's children contain this. */
const IN_HEROKU_APP = "gyana:heroku:App$";

async function withConfig(
  stack: string,
  edit: (config: Record<string, unknown>) => void,
  key: string,
) {
  const file = readStackFile(stack, { secrets: await testSecrets() });
  // Start from what the rehearsal deploys (placeholders replaced), as the harness's up does.
  const deployed = placeholderOverrides(stack, "e2e")[key] ?? file.config[key]!;
  const value = JSON.parse(deployed) as Record<string, unknown>;
  edit(value);
  return { [key]: JSON.stringify(value) };
}

describe("the prod stack after its first up", () => {
  let emulators: E2eEnvironment;
  let state: EngineState;
  // The stack's config as it evolves through the tests (each change is kept).
  let overrides: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const heroku = () => emulators.heroku;
  const app = () => heroku().state.app("gyana-beta");
  const apply = async (refresh = false) => {
    heroku().resetCounts();
    const result = await up("prod", state, { overrides, secrets, refresh });
    state = result.state;
    return result;
  };

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    const fresh = await up("prod", undefined);
    heroku().state.deploy("gyana-beta", { processTypes: APP_PROCESS_TYPES });
    state = (await up("prod", fresh.state)).state;
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("a new dyno size updates only the formation, with one PATCH", async () => {
    overrides = {
      ...overrides,
      ...(await withConfig(
        "prod",
        (h) => {
          (h["formation"] as Record<string, { size: string }>)["web"]!.size = "performance-m";
        },
        "gyana:heroku",
      )),
    };
    const result = await apply();
    expect(changes(result)).toEqual(["update app-formation"]);
    expect(writesOf(heroku())).toEqual(["PATCH /apps/{app}/formation"]);
    expect(app().formation.get("web")?.size.name).toMatch(/performance-m/i);
  });

  it("a new CORS origin changes only the bucket, with no Heroku write", async () => {
    overrides = {
      ...overrides,
      ...(await withConfig(
        "prod",
        (g) => {
          (g["bucket"] as { corsOrigins: string[] }).corsOrigins = ["https://app.gyana.com"];
        },
        "gyana:google",
      )),
    };
    const result = await apply();
    const changed = result.steps.filter((s: Step) => s.op !== "same");
    expect(changed.map((s) => [s.op, s.type, s.changes])).toEqual([
      ["update", "gcp:storage/bucket:Bucket", ["cors"]],
    ]);
    expect(writesOf(heroku())).toEqual([]);
  });

  it("a new SendGrid key is exactly one config-vars PATCH of that key", async () => {
    secrets["gyana:sendgridApiKey"] = "test-sendgrid-key-rotated-77aa";
    const result = await apply();
    expect(changes(result)).toEqual(["update app-config"]);
    const writes = heroku().requests.filter((r) => r.method !== "GET");
    expect(writes.map((r) => r.route)).toEqual(["PATCH /apps/{app}/config-vars"]);
    expect((writes[0]!.body as Record<string, string>)["SENDGRID_API_KEY"]).toBe(
      "test-sendgrid-key-rotated-77aa",
    );
    expect(app().configVars["SENDGRID_API_KEY"]).toBe("test-sendgrid-key-rotated-77aa");
  });

  it("after Heroku rotates REDIS_URL, neither up nor up --refresh writes anything: the buildpack adds the parameter at dyno start", async () => {
    const rotated = heroku().state.rotateAddonUrl("gyana-beta", "REDIS_URL");
    for (const refresh of [false, true]) {
      const result = await apply(refresh);
      expect(changes(result)).toEqual([]);
      expect(writesOf(heroku())).toEqual([]);
    }
    expect(app().configVars["REDIS_URL"]).toBe(rotated);
    // What a dyno of this app will see: the slug's .profile.d script on the rotated URL.
    expect(app().buildpacks.at(-1)?.url).toMatch(/\/redis-tls-[0-9a-f]{16}\.tgz$/);
    expect(heroku().violations).toEqual([]);
  });

  it("a Redis plan change is one PATCH of the add-on; the new instance's REDIS_URL is Heroku's to set", async () => {
    const before = app().configVars["REDIS_URL"];
    // On top of the earlier formation change, which stays.
    const heroku_ = JSON.parse(overrides["gyana:heroku"]!) as Record<string, unknown>;
    (heroku_["addons"] as Record<string, string>)["redis"] = "heroku-redis:premium-1";
    overrides = { ...overrides, "gyana:heroku": JSON.stringify(heroku_) };
    const result = await apply();
    expect(changes(result)).toEqual(["update app-redis"]);
    expect(writesOf(heroku())).toEqual(["PATCH /apps/{app}/addons/{addon}"]);
    expect(app().configVars["REDIS_URL"]).not.toBe(before);
    expect(heroku().violations).toEqual([]);
  });

  it("maintenance switched on by the rollback tool survives `up --refresh` while the config does not set it", async () => {
    const heroku_ = JSON.parse(overrides["gyana:heroku"]!) as Record<string, unknown>;
    expect(heroku_).not.toHaveProperty("maintenance");
    // `npm run rollback -- --execute --maintenance` switched it on; the merge's `up --refresh` runs.
    app().maintenance = true;
    const result = await apply(true);
    expect(result.refreshed.filter((r) => r.urn.endsWith("::app"))).toEqual([]);
    expect(changes(result)).toEqual([]);
    expect(writesOf(heroku())).toEqual([]);
    expect(app().maintenance).toBe(true);
  });

  it("gyana:heroku.maintenance set: managed (one PATCH); unset again: unmanaged, with no write", async () => {
    const base = overrides["gyana:heroku"]!;
    const managed = { ...(JSON.parse(base) as Record<string, unknown>), maintenance: false };
    overrides = { ...overrides, "gyana:heroku": JSON.stringify(managed) };
    const on = await apply(true);
    expect(changes(on)).toEqual(["update app"]);
    expect(writesOf(heroku())).toEqual(["PATCH /apps/{app}"]);
    expect(app().maintenance).toBe(false);

    overrides = { ...overrides, "gyana:heroku": base };
    app().maintenance = true;
    const off = await apply(true);
    // Drops the value from state; writes nothing, so the live flag stays as the tool set it.
    expect(changes(off)).toEqual(["update app"]);
    expect(writesOf(heroku())).toEqual([]);
    expect(app().maintenance).toBe(true);
    const again = await apply(true);
    expect(changes(again)).toEqual([]);
    app().maintenance = false;
  });

  it("removing the stack refuses to delete the protected app and database, and deletes nothing", async () => {
    heroku().resetCounts();
    await expect(emulatedDestroy({ state })).rejects.toThrow(
      /refusing to delete protected resources \(nothing was deleted\): .*heroku:App::app.*heroku:Addon::app-postgres/s,
    );
    expect(writesOf(heroku())).toEqual([]);
    expect(heroku().state.findApp("gyana-beta")).toBeDefined();
  });

  it("after `pulumi state unprotect`, removal retains every Heroku and GoDaddy resource: the prod app keeps working as it is", async () => {
    // The config refuses protect: false in production; unprotecting is a deliberate state edit.
    const unprotected: EngineState = JSON.parse(JSON.stringify(state)) as EngineState;
    for (const r of Object.values(unprotected.resources)) r.protect = false;
    const live = app();
    const snapshot = () => ({
      configVars: { ...live.configVars },
      buildpacks: JSON.stringify(live.buildpacks),
      domains: [...live.domains.values()].map((d) => [d.hostname, d.id, d.sniEndpointId]),
      sniEndpoints: [...live.sniEndpoints.keys()],
      logDrains: [...live.logDrains.keys()],
      webhooks: [...live.webhooks.keys()],
      formation: [...live.formation.values()].map((f) => [f.type, f.quantity, f.size.name]),
      addons: heroku()
        .state.addonsOf(live)
        .map((a) => [a.name, a.plan]),
      authorizations: [...heroku().state.authorizations.keys()],
      couplings: [...heroku().state.couplings.keys()],
      pipelines: [...heroku().state.pipelines.values()].map((p) => p.name),
      records: JSON.stringify(emulators.godaddy.zones.get("gyana.com")),
    });
    const before = snapshot();
    // The removal must have something to lose: the runbook's vars, buildpacks, domains, cert.
    expect(before.configVars["SECRET_KEY"]).toBeTruthy();
    expect(before.configVars["GOOGLE_CREDENTIALS"]).toBeTruthy();
    expect(JSON.parse(before.buildpacks)).toHaveLength(4);
    expect(before.domains.filter(([h]) => String(h).endsWith("gyana.com")).length).toBeGreaterThan(
      0,
    );
    expect(before.sniEndpoints).toHaveLength(1);
    heroku().resetCounts();
    emulators.godaddy.requests.length = 0;

    const destroyed = await emulatedDestroy({ state: unprotected });

    const dynamic = destroyed.steps.filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(dynamic.filter((s) => s.op !== "retain").map((s) => s.name)).toEqual([]);
    expect(dynamic.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "app",
        "app-config",
        "app-buildpacks",
        "app-redis",
        "app-redis-tls",
        "domain-cert",
      ]),
    );
    // Nothing was deleted or nulled: no Heroku or GoDaddy write at all, and everything is as it was.
    expect(writesOf(heroku())).toEqual([]);
    expect(emulators.godaddy.writes()).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(heroku().violations).toEqual([]);
  });
});

describe("removing the dev stack", () => {
  it("deletes its app, add-ons, hooks, coupling and API key, and leaves the shared pipeline", async () => {
    const emulators = await startE2eEnvironment();
    try {
      createPipeline(emulators.heroku);
      const fresh = await up("dev", undefined);
      emulators.heroku.resetCounts();
      const destroyed = await emulatedDestroy({ state: fresh.state });
      const deletedTypes = destroyed.steps
        .filter((s) => s.op === "delete" && s.urn.includes(IN_HEROKU_APP))
        .map((s) => s.name)
        .sort();
      expect(deletedTypes).toEqual(
        [
          "app",
          "app-buildpacks",
          "app-config",
          "app-formation",
          "app-hashids-salt",
          "app-honeybadger-deploys",
          "app-honeybadger-logs",
          "app-pipeline-coupling",
          "app-postgres",
          "app-redis",
          "app-redis-tls",
          "app-secret-key",
        ].sort(),
      );
      // Dependents go first: the app is the last Heroku resource deleted.
      const herokuDeletes = destroyed.steps.filter((s) => s.urn.includes(IN_HEROKU_APP));
      expect(herokuDeletes.at(-1)?.name).toBe("app");
      expect(emulators.heroku.state.findApp("gyana-dev")).toBeUndefined();
      expect(emulators.heroku.state.authorizations.size).toBe(0);
      expect(emulators.heroku.state.couplings.size).toBe(0);
      expect([...emulators.heroku.state.pipelines.values()].map((p) => p.name)).toEqual(["gyana"]);
      expect(Object.keys(destroyed.state.resources)).toEqual([]);
      expect(emulators.heroku.violations).toEqual([]);
    } finally {
      await emulators.close();
    }
  });
});
