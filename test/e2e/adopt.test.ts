// Adopting the hand-made production setup: the app, its add-ons, the pipeline and coupling, and
// the Honeybadger drain and webhook made from the runbook are taken over, not duplicated, and the
// live SECRET_KEY and HASHIDS_SALT survive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpResult } from "../../tools/emulatedUp";
import { newId } from "../emulator/heroku/ids";
import { testSecrets } from "../support/stack";
import {
  APP_PROCESS_TYPES,
  allowSeveralUps,
  changes,
  writesOf,
  startE2eEnvironment,
  up,
  type E2eEnvironment,
} from "./harness";

allowSeveralUps();

const LIVE_SECRET_KEY = "live-django-secret-key-".padEnd(60, "x");
const LIVE_SALT = "live-hashids-salt-abcdefghijklmn";

describe("adopting the hand-made prod app", () => {
  let emulators: E2eEnvironment;
  let adopted: UpResult;
  let ids: { app: string; postgres: string; redis: string; pipeline: string };
  let liveRedisUrl: string;

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    const { state } = emulators.heroku;
    const app = state.createApp({ name: "gyana-beta", region: "eu", stack: "heroku-24" });
    const postgres = state.createAddon(app, {
      plan: "heroku-postgresql:standard-0",
      name: "postgresql-curly-12345",
      provisioned: true,
    });
    const redis = state.createAddon(app, {
      plan: "heroku-redis:premium-0",
      name: "redis-flat-67890",
      provisioned: true,
    });
    // The runbook's hand edits.
    liveRedisUrl = `${app.configVars["REDIS_URL"]}?ssl_cert_reqs=none`;
    state.setConfigVars(app, {
      REDIS_URL: liveRedisUrl,
      SECRET_KEY: LIVE_SECRET_KEY,
      HASHIDS_SALT: LIVE_SALT,
      SOMETHING_BY_HAND: "kept",
    });
    const now = state.now();
    const pipelineId = newId();
    state.pipelines.set(pipelineId, {
      id: pipelineId,
      name: "gyana",
      owner: null,
      createdAt: now,
      updatedAt: now,
    });
    const couplingId = newId();
    state.couplings.set(couplingId, {
      id: couplingId,
      appId: app.id,
      pipelineId,
      stage: "production",
      createdAt: now,
      updatedAt: now,
    });
    const key = (await testSecrets())["gyana:honeybadgerApiKey"]!;
    const drainId = newId();
    app.logDrains.set(drainId, {
      id: drainId,
      url: `https://logplex.honeybadger.io/v1/events?api_key=${key}&env=production`,
      token: "d.01234567-89ab-cdef-0123-456789abcdef",
      createdAt: now,
      updatedAt: now,
    });
    ids = { app: app.id, postgres: postgres.id, redis: redis.id, pipeline: pipelineId };
    state.deploy(app, {
      processTypes: APP_PROCESS_TYPES,
    });
    // `heroku ps:scale` as the runbook sized it (the prod config declares the same): adopting
    // refuses to rescale a live app.
    for (const [type, quantity, size] of [
      ["web", 2, "standard-2X"],
      ["worker", 1, "standard-2X"],
      ["priority", 1, "standard-1X"],
      ["beat", 1, "standard-1X"],
    ] as const) {
      Object.assign(app.formation.get(type)!, { quantity, size: state.dynoSize(size) });
    }

    adopted = await up("prod", undefined, {
      overrides: {
        "gyana:imports": JSON.stringify({
          herokuApp: "gyana-beta",
          postgres: "postgresql-curly-12345",
          redis: "redis-flat-67890",
        }),
      },
      secrets: { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT },
    });
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("takes over the app, add-ons, pipeline, coupling and drain instead of creating new ones", () => {
    const { state } = emulators.heroku;
    expect([...state.apps.values()].map((a) => a.id)).toEqual([ids.app]);
    expect([...state.addons.values()].map((a) => a.id).sort()).toEqual(
      [ids.postgres, ids.redis].sort(),
    );
    expect([...state.pipelines.keys()]).toEqual([ids.pipeline]);
    expect(state.couplings.size).toBe(1);
    const app = state.app("gyana-beta");
    expect(app.logDrains.size).toBe(1);
    expect(app.webhooks.size).toBe(1);
    expect(emulators.heroku.violations).toEqual([]);
  });

  it("keeps the live SECRET_KEY, HASHIDS_SALT, REDIS_URL and vars set by hand", () => {
    const vars = emulators.heroku.state.app("gyana-beta").configVars;
    expect(vars["SECRET_KEY"]).toBe(LIVE_SECRET_KEY);
    expect(vars["HASHIDS_SALT"]).toBe(LIVE_SALT);
    expect(vars["REDIS_URL"]).toBe(liveRedisUrl);
    expect(vars["SOMETHING_BY_HAND"]).toBe("kept");
    expect(adopted.resources.filter((r) => r.type.startsWith("random:"))).toEqual([]);
  });

  it("the next up writes nothing", async () => {
    emulators.heroku.resetCounts();
    const again = await up("prod", adopted.state, {
      overrides: {
        "gyana:imports": JSON.stringify({
          herokuApp: "gyana-beta",
          postgres: "postgresql-curly-12345",
          redis: "redis-flat-67890",
        }),
      },
      secrets: { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT },
    });
    expect(changes(again)).toEqual([]);
    expect(writesOf(emulators.heroku)).toEqual([]);
  });
});
