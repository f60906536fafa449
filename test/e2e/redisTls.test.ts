// A stack made when `app-redis-tls` (ConfigVarQuerySuffix) PATCHed REDIS_URL, meeting this version:
// its state entry still holds the old provider code, which Pulumi would run to delete it. That
// delete PATCHes REDIS_URL when the live URL carries the parameter, and Heroku refuses the write,
// so the entry stays declared (retired) and the first `up` takes it over with no Heroku write at
// all; from then on nothing, including its removal, touches REDIS_URL. docs/redis-tls.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatedDestroy, type EngineState } from "../../tools/emulatedUp";
import { declareAndLoad } from "../support/hostedProvider";
import { LegacyConfigVarQuerySuffix } from "./fixtures/legacyConfigVarQuerySuffix";
import {
  APP_PROCESS_TYPES,
  changes,
  createPipeline,
  startE2eEnvironment,
  up,
  writesOf,
  type E2eEnvironment,
} from "./harness";

const PARAM = "ssl_cert_reqs=none";

describe("a dev stack whose state has the old app-redis-tls", () => {
  let emulators: E2eEnvironment;
  let legacyState: EngineState;
  let urn: string;
  const app = () => emulators.heroku.state.app("gyana-dev");

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    createPipeline(emulators.heroku);
    const first = await up("dev", undefined);
    emulators.heroku.state.deploy("gyana-dev", {
      processTypes: APP_PROCESS_TYPES,
    });
    const fresh = await up("dev", first.state);
    const loaded = await declareAndLoad(() => {
      new LegacyConfigVarQuerySuffix("legacy", { app: "x", name: "REDIS_URL", param: PARAM });
    });
    const entry = Object.values(fresh.state.resources).find((r) => r.name === "app-redis-tls")!;
    urn = entry.urn;
    const appId = app().id;
    const legacy = { app: appId, name: "REDIS_URL", param: PARAM, source: "redis-id:mini" };
    // What the old provider left: its code in state, and the parameter on the live URL (written
    // when the emulator still allowed it, or by hand before Heroku's rule).
    legacyState = JSON.parse(JSON.stringify(fresh.state)) as EngineState;
    const __provider = loaded.get("legacy")!.serialized;
    legacyState.resources[urn] = {
      ...entry,
      id: `${appId}/REDIS_URL`,
      inputs: { ...legacy, __provider },
      outputs: { ...legacy, applied: true, present: true, __provider },
    };
    app().configVars["REDIS_URL"] = `${app().configVars["REDIS_URL"]}?${PARAM}`;
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("dropping the declaration would fail: the old delete PATCHes REDIS_URL and Heroku refuses", async () => {
    const only: EngineState = { resources: { [urn]: legacyState.resources[urn]! } };
    emulators.heroku.resetCounts();
    await expect(emulatedDestroy({ state: only })).rejects.toThrow(
      "Cannot overwrite attachment values REDIS_URL.",
    );
    expect(app().configVars["REDIS_URL"]).toMatch(/\?ssl_cert_reqs=none$/);
  });

  it("the first up (with --refresh, as CI runs it) takes the entry over with no Heroku write", async () => {
    const before = app().configVars["REDIS_URL"];
    emulators.heroku.resetCounts();
    const result = await up("dev", legacyState, { refresh: true });
    expect(changes(result)).toEqual(["update app-redis-tls"]);
    expect(writesOf(emulators.heroku)).toEqual([]);
    expect(app().configVars["REDIS_URL"]).toBe(before);
    const { __provider: saved, ...outputs } = result.state.resources[urn]!.outputs;
    expect(outputs).toEqual({ app: app().id, retired: true });
    // The state now holds the retired code: the one its delete will run.
    expect(saved).not.toBe(legacyState.resources[urn]!.outputs["__provider"]);
    expect(String(saved)).not.toContain("withoutQueryParam");

    // From then on: a second up changes nothing, and removing the entry makes no API call.
    emulators.heroku.resetCounts();
    const again = await up("dev", result.state);
    expect(changes(again)).toEqual([]);
    const removed = await emulatedDestroy({
      state: { resources: { [urn]: again.state.resources[urn]! } },
    });
    expect(removed.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["delete app-redis-tls"]);
    expect(emulators.heroku.requests).toEqual([]);
    expect(emulators.heroku.violations).toEqual([]);
  });
});
