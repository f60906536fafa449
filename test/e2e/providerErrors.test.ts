// Heroku refusing a call, through Pulumi's real dynamic provider host (tools/engine): the state
// the engine then keeps, the message it shows, and that the next up, a refresh and a destroy all
// work. The host turns any error with an `id` into "created but failed to initialize", so an API
// error class carrying Heroku's error id would save a phantom resource on every refusal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../providers/heroku/app";
import { LogDrain } from "../../providers/heroku/logDrain";
import {
  emulatedDestroy,
  emulatedUp,
  type EngineState,
  type UpResult,
} from "../../tools/emulatedUp";
import type { Fault } from "../emulator/heroku";
import { failedUp, startE2eEnvironment, type E2eEnvironment } from "./harness";

const DRAIN_URL = "https://logs.example.com/v1/events?api_key=drain-key";

let env: E2eEnvironment;
beforeAll(async () => {
  env = await startE2eEnvironment();
});
afterAll(async () => {
  await env.close();
});
beforeEach(() => env.heroku.faults.clear());

function up(state: EngineState | undefined, appName: string, refresh = false): Promise<UpResult> {
  return emulatedUp({
    stack: "errors",
    config: {},
    secretKeys: [],
    state,
    refresh,
    program: () => {
      const app = new App("app", { name: appName, region: "eu" });
      new LogDrain("drain", { app: app.id, url: DRAIN_URL });
      return { appName: app.name };
    },
  });
}

const kinds = (state: EngineState) =>
  Object.values(state.resources)
    .map((r) => r.type.replace("pulumi-nodejs:dynamic/heroku:", ""))
    .sort();

/** Refresh and destroy work on whatever the failed run left, and the next up then works. */
async function recovers(left: EngineState, appName: string): Promise<void> {
  const refreshed = await up(left, appName, true);
  expect(kinds(refreshed.state)).toEqual(["App", "LogDrain"]);
  const destroyed = await emulatedDestroy({ state: refreshed.state });
  expect(destroyed.state.resources).toEqual({});
  expect(env.heroku.state.apps.size).toBe(0);
}

const refusals: [string, Fault, RegExp][] = [
  [
    "403",
    {
      method: "POST",
      path: "/apps",
      status: 403,
      body: { id: "forbidden", message: "You do not have access to create apps." },
    },
    /403 forbidden: You do not have access to create apps\./,
  ],
  [
    "422",
    {
      method: "POST",
      path: "/apps",
      status: 422,
      body: { id: "invalid_params", message: "Name is reserved." },
    },
    /422 invalid_params: Name is reserved\./,
  ],
  ["503", { method: "POST", path: "/apps", status: 503 }, /503 unavailable: Injected fault/],
  ["a dropped connection", { method: "POST", path: "/apps", drop: true }, /network_error/],
];

describe("a refused create, through the real host", () => {
  it.each(refusals)(
    "(%s) saves nothing, shows Heroku's message, and the next up creates it",
    async (_label, fault, message) => {
      env.heroku.faults.inject(fault);
      const failed = await failedUp(up(undefined, "gyana-refused"));
      expect(failed.message).toMatch(message);
      expect(failed.message).not.toMatch(/resource init failed/);
      expect(failed.state.resources).toEqual({});

      const next = await up(failed.state, "gyana-refused");
      expect(kinds(next.state)).toEqual(["App", "LogDrain"]);
      await recovers(next.state, "gyana-refused");
    },
  );

  it("of a child keeps the parent, saves no child, and the next up adds the child", async () => {
    env.heroku.faults.inject({
      method: "POST",
      path: "/apps/{app}/log-drains",
      status: 422,
      body: { id: "invalid_params", message: "Url is invalid." },
    });
    const failed = await failedUp(up(undefined, "gyana-child"));
    expect(failed.message).toMatch(/Url is invalid\./);
    expect(kinds(failed.state)).toEqual(["App"]);
    const next = await up(failed.state, "gyana-child");
    expect(next.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([
      "create drain",
    ]);
    await recovers(next.state, "gyana-child");
  });
});

describe("a refused update, through the real host", () => {
  it("keeps the previous outputs, and the next up applies the change", async () => {
    const first = await up(undefined, "gyana-before");
    const app = Object.values(first.state.resources).find((r) => r.name === "app")!;
    env.heroku.faults.inject({
      method: "PATCH",
      path: "/apps/{app}",
      status: 422,
      body: { id: "invalid_params", message: "Name is already taken." },
    });
    const failed = await failedUp(up(first.state, "gyana-after"));
    expect(failed.message).toMatch(/422 invalid_params: Name is already taken\./);
    const kept = failed.state.resources[app.urn]!;
    expect(kept.outputs).toEqual(app.outputs);
    expect(kept.inputs).toEqual(app.inputs);
    expect(kept.initErrors).toBeUndefined();

    const next = await up(failed.state, "gyana-after");
    expect(next.outputs["appName"]).toBe("gyana-after");
    await recovers(next.state, "gyana-after");
  });
});

describe("a server error on every retry, through the real host", () => {
  // The client retries 5xx (and, for a POST, 429) with backoff until its call deadline.
  const saved = process.env["HEROKU_API_DEADLINE_MS"];
  beforeAll(() => {
    process.env["HEROKU_API_DEADLINE_MS"] = "1500";
  });
  afterAll(() => {
    if (saved === undefined) delete process.env["HEROKU_API_DEADLINE_MS"];
    else process.env["HEROKU_API_DEADLINE_MS"] = saved;
  });

  it("on a create (429 to every POST) saves nothing and the next up creates it", async () => {
    env.heroku.faults.inject({ method: "POST", path: "/apps", status: 429, times: Infinity });
    const failed = await failedUp(up(undefined, "gyana-throttled"));
    expect(failed.message).toMatch(
      /429 rate_limit: Injected fault.*would pass the call.s deadline/s,
    );
    expect(failed.state.resources).toEqual({});
    env.heroku.faults.clear();
    const next = await up(failed.state, "gyana-throttled");
    await recovers(next.state, "gyana-throttled");
  });

  it("on an update (503 to every PATCH) keeps the previous outputs; the next up applies it", async () => {
    const first = await up(undefined, "gyana-flaky");
    const app = Object.values(first.state.resources).find((r) => r.name === "app")!;
    env.heroku.faults.inject({
      method: "PATCH",
      path: "/apps/{app}",
      status: 503,
      times: Infinity,
    });
    const failed = await failedUp(up(first.state, "gyana-flaky-renamed"));
    expect(failed.message).toMatch(/503 unavailable: Injected fault/);
    expect(failed.state.resources[app.urn]).toEqual(app);
    env.heroku.faults.clear();
    const next = await up(failed.state, "gyana-flaky-renamed");
    expect(next.outputs["appName"]).toBe("gyana-flaky-renamed");
    await recovers(next.state, "gyana-flaky-renamed");
  });
});
