// An add-on that Heroku accepted but that is not provisioned by the deadline, through Pulumi's
// real dynamic provider host: the provider reports it on purpose as half-created (an error with
// `id`, `properties` and `reasons`), so the engine saves it with its real id and `__provider`
// and the next up finishes it; refresh and destroy work on it meanwhile (no orphaned add-on).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Addon } from "../../providers/heroku/addon";
import { App } from "../../providers/heroku/app";
import {
  emulatedDestroy,
  emulatedUp,
  type EngineState,
  type StateResource,
  type UpResult,
} from "../../tools/emulatedUp";
import { failedUp, startE2eEnvironment, type E2eEnvironment } from "./harness";

let env: E2eEnvironment;
const saved = process.env["HEROKU_ADDON_TIMEOUT_MS"];
beforeAll(async () => {
  // Add-ons stay `provisioning` until the test finishes them; the provider waits 300 ms.
  env = await startE2eEnvironment({ addonProvisioningPolls: 1_000_000 });
  process.env["HEROKU_ADDON_TIMEOUT_MS"] = "300";
});
afterAll(async () => {
  if (saved === undefined) delete process.env["HEROKU_ADDON_TIMEOUT_MS"];
  else process.env["HEROKU_ADDON_TIMEOUT_MS"] = saved;
  await env.close();
});

function up(state: EngineState | undefined, appName: string, refresh = false): Promise<UpResult> {
  return emulatedUp({
    stack: "half",
    config: {},
    secretKeys: [],
    state,
    refresh,
    program: () => {
      const app = new App("app", { name: appName, region: "eu" });
      const redis = new Addon("redis", {
        app: app.id,
        plan: "heroku-redis:mini",
        name: `${appName}-redis`,
      });
      return { redisState: redis.state };
    },
  });
}

const addonIn = (state: EngineState): StateResource | undefined =>
  Object.values(state.resources).find((r) => r.type.endsWith(":Addon"));

const liveAddon = (name: string) =>
  [...env.heroku.state.addons.values()].find((a) => a.name === name);

describe("an add-on still provisioning at the deadline", () => {
  it("is saved with its real id and __provider, and the next up finishes it", async () => {
    const failed = await failedUp(up(undefined, "gyana-half"));
    expect(failed.message).toMatch(
      /add-on gyana-half-redis exists on app .* but is not ready: timed out .*provisioned/,
    );
    expect(failed.message).not.toMatch(/resource init failed/);
    const saved = addonIn(failed.state)!;
    const live = liveAddon("gyana-half-redis")!;
    expect(saved.id).toBe(live.id);
    expect(saved.outputs["__provider"]).toBe(saved.inputs["__provider"]);
    expect(typeof saved.outputs["__provider"]).toBe("string");
    expect(saved.outputs).toMatchObject({ name: "gyana-half-redis", state: "provisioning" });
    expect(saved.initErrors).toEqual([expect.stringMatching(/is not ready/)]);

    // Still provisioning: a refresh reads it, the up waits again and saves it again.
    const again = await failedUp(up(failed.state, "gyana-half", true));
    expect(again.message).toMatch(/is not ready/);
    expect(addonIn(again.state)).toMatchObject({ id: live.id, initErrors: [expect.any(String)] });

    env.heroku.state.finishProvisioning(live);
    const finished = await up(again.state, "gyana-half");
    expect(
      finished.steps.filter((s) => s.op !== "same").map((s) => [s.op, s.name, s.changes]),
    ).toEqual([["update", "redis", []]]);
    const done = addonIn(finished.state)!;
    expect(done.initErrors).toBeUndefined();
    expect(done.outputs).toMatchObject({ state: "provisioned", configVarNames: ["REDIS_URL"] });
    expect(finished.outputs["redisState"]).toBe("provisioned");
    expect(env.heroku.state.addons.size).toBe(1);

    const quiet = await up(finished.state, "gyana-half");
    expect(quiet.steps.every((s) => s.op === "same")).toBe(true);
    await emulatedDestroy({ state: quiet.state });
    expect(env.heroku.state.addons.size).toBe(0);
  });

  it("is removed by a destroy right after the failed up (nothing orphaned)", async () => {
    const failed = await failedUp(up(undefined, "gyana-orphan"));
    expect(liveAddon("gyana-orphan-redis")).toBeDefined();
    const destroyed = await emulatedDestroy({ state: failed.state });
    expect(destroyed.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["delete redis", "delete app"]);
    expect(liveAddon("gyana-orphan-redis")).toBeUndefined();
    expect(env.heroku.state.apps.size).toBe(0);
  });
});

describe("an app created but not finished (its maintenance PATCH refused)", () => {
  it("is saved with its real id and __provider, and the next up sets what is missing", async () => {
    const program = () => {
      new App("app", { name: "gyana-unfinished", region: "eu", maintenance: true });
      return {};
    };
    const run = (state?: EngineState, refresh = false) =>
      emulatedUp({ stack: "half", config: {}, secretKeys: [], state, refresh, program });
    env.heroku.faults.inject({
      method: "PATCH",
      path: "/apps/{app}",
      status: 422,
      body: { id: "invalid_params", message: "Maintenance cannot be set now." },
    });
    const failed = await failedUp(run());
    expect(failed.message).toMatch(
      /app gyana-unfinished was created, but setting maintenance failed: .*Maintenance cannot be set now\./,
    );
    const live = env.heroku.state.app("gyana-unfinished");
    const saved = Object.values(failed.state.resources).find((r) => r.type.endsWith(":App"))!;
    expect(saved).toMatchObject({
      id: live.id,
      initErrors: [expect.stringMatching(/was created/)],
    });
    expect(saved.outputs["__provider"]).toBe(saved.inputs["__provider"]);
    expect(live.maintenance).toBe(false);

    // A refresh reads it; the up then sets maintenance (its diff sees the live value).
    const next = await run(failed.state, true);
    expect(next.steps.map((s) => [s.op, s.name])).toEqual([["update", "app"]]);
    expect(env.heroku.state.app("gyana-unfinished").maintenance).toBe(true);
    await emulatedDestroy({ state: next.state });
    expect(env.heroku.state.apps.size).toBe(0);
  });
});
