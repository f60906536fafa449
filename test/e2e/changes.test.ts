// The prod stack after its first up: one config value changes only what depends on it, a Redis
// URL rotation is repaired by `up --refresh`, and removing the stack refuses to delete the
// protected app and database. The dev stack, unprotected, is removed completely.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatedDestroy, type EngineState, type Step } from "../../tools/emulatedUp";
import { readStackFile } from "../../tools/stackFile";
import { testSecrets } from "../support/stack";
import {
  changes,
  createSharedPipeline,
  herokuWrites,
  startEmulators,
  up,
  type Emulators,
} from "./harness";

/** URNs of the HerokuApp component's children contain this. */
const IN_HEROKU_APP = "gyana:heroku:App$";
const PROCESS_TYPES = {
  web: "gunicorn",
  worker: "celery",
  priority: "celery",
  beat: "celery beat",
};

async function withConfig(
  stack: string,
  edit: (config: Record<string, unknown>) => void,
  key: string,
) {
  const file = readStackFile(stack, { secrets: await testSecrets() });
  const value = JSON.parse(file.config[key]!) as Record<string, unknown>;
  edit(value);
  return { [key]: JSON.stringify(value) };
}

describe("the prod stack after its first up", () => {
  let emulators: Emulators;
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
    emulators = await startEmulators();
    const fresh = await up("prod", undefined);
    heroku().state.deploy("gyana-beta", { processTypes: PROCESS_TYPES });
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
    expect(herokuWrites(heroku())).toEqual(["PATCH /apps/{app}/formation"]);
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
    expect(herokuWrites(heroku())).toEqual([]);
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

  it("after Heroku rotates REDIS_URL, up --refresh puts ssl_cert_reqs=none back", async () => {
    const rotated = heroku().state.rotateAddonUrl("gyana-beta", "REDIS_URL");

    // Without a refresh the engine cannot know: nothing happens.
    const blind = await apply();
    expect(changes(blind)).toEqual([]);
    expect(app().configVars["REDIS_URL"]).toBe(rotated);

    const repaired = await apply(true);
    expect(repaired.refreshed).toEqual([
      expect.objectContaining({
        kind: "changed",
        keys: ["applied"],
        urn: expect.stringContaining("app-redis-tls"),
      }),
    ]);
    expect(changes(repaired)).toEqual(["update app-redis-tls"]);
    expect(herokuWrites(heroku())).toEqual(["PATCH /apps/{app}/config-vars"]);
    expect(app().configVars["REDIS_URL"]).toBe(`${rotated}?ssl_cert_reqs=none`);
    expect(heroku().violations).toEqual([]);
  });

  it("removing the stack refuses to delete the protected app and database, and deletes nothing", async () => {
    heroku().resetCounts();
    await expect(emulatedDestroy({ state })).rejects.toThrow(
      /refusing to delete protected resources \(nothing was deleted\): .*heroku:App::app.*heroku:Addon::app-postgres/s,
    );
    expect(herokuWrites(heroku())).toEqual([]);
    expect(heroku().state.findApp("gyana-beta")).toBeDefined();
  });

  it("after `pulumi state unprotect`, removal deletes the rest and retains app, database and pipeline", async () => {
    // The config refuses protect: false in production; unprotecting is a deliberate state edit.
    const unprotected: EngineState = JSON.parse(JSON.stringify(state)) as EngineState;
    for (const r of Object.values(unprotected.resources)) r.protect = false;
    heroku().resetCounts();
    const destroyed = await emulatedDestroy({ state: unprotected });
    const heroku_ = (op: string) =>
      destroyed.steps
        .filter((s) => s.op === op && s.urn.includes(IN_HEROKU_APP))
        .map((s) => s.name)
        .sort();
    expect(heroku_("retain")).toEqual(["app", "app-pipeline", "app-postgres"]);
    expect(heroku_("delete")).toEqual(
      [
        "app-api-key",
        "app-buildpacks",
        "app-config",
        "app-formation",
        "app-hashids-salt",
        "app-honeybadger-deploys",
        "app-honeybadger-logs",
        "app-pipeline-coupling",
        "app-redis",
        "app-redis-tls",
        "app-secret-key",
      ].sort(),
    );
    expect(app().id).toBeDefined();
    expect(
      heroku()
        .state.addonsOf(app())
        .map((a) => a.service),
    ).toEqual(["heroku-postgresql"]);
    expect([...heroku().state.pipelines.values()].map((p) => p.name)).toEqual(["gyana"]);
    expect(heroku().violations).toEqual([]);
  });
});

describe("removing the dev stack", () => {
  it("deletes its app, add-ons, hooks, coupling and API key, and leaves the shared pipeline", async () => {
    const emulators = await startEmulators();
    try {
      createSharedPipeline(emulators.heroku);
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
          "app-api-key",
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
