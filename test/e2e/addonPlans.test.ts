// Heroku Postgres plan changes through the emulated `pulumi preview` and `pulumi up` of the real
// program (providers/heroku/addonPlans.ts has the rules and their Dev Center source): a change
// across the Essential tier fails the preview before any Heroku request, with the pg:copy
// procedure; an accepted change is one PATCH, and the preview and the up both say that the
// switch-over comes later and how to watch it; DATABASE_URL changes only at that switch-over,
// which needs no further `up`.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { EngineState } from "../../tools/emulatedUp";
import { placeholderOverrides, readStackFile } from "../../tools/stackFile";
import { testSecrets } from "../support/stack";
import {
  allowSeveralUps,
  APP_PROCESS_TYPES,
  changes,
  createPipeline,
  startE2eEnvironment,
  up,
  writesOf,
  type E2eEnvironment,
} from "./harness";

allowSeveralUps();

const STACKS = [
  {
    stack: "prod",
    app: "gyana-beta",
    from: "standard-0",
    within: "standard-2",
    across: "essential-0",
  },
  {
    stack: "dev",
    app: "gyana-dev",
    from: "essential-0",
    within: "essential-1",
    across: "standard-0",
  },
] as const;

describe.each(STACKS)("Postgres plan changes of the $stack stack", (s) => {
  let emulators: E2eEnvironment;
  let state: EngineState;
  const heroku = () => emulators.heroku;
  const app = () => heroku().state.app(s.app);
  const postgres = () =>
    heroku()
      .state.addonsOf(app())
      .find((a) => a.service === "heroku-postgresql")!;
  let lines: ReturnType<typeof vi.spyOn>;
  const said = () => lines.mock.calls.map((c: unknown[]) => String(c[0])).join("\n");

  async function withPostgresPlan(plan: string): Promise<Record<string, string>> {
    const file = readStackFile(s.stack, { secrets: await testSecrets() });
    const deployed =
      placeholderOverrides(s.stack, "e2e")["gyana:heroku"] ?? file.config["gyana:heroku"]!;
    const value = JSON.parse(deployed) as { addons: Record<string, string> };
    value.addons["postgres"] = `heroku-postgresql:${plan}`;
    return { "gyana:heroku": JSON.stringify(value) };
  }

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    if (s.stack !== "prod") createPipeline(heroku());
    const fresh = await up(s.stack, undefined);
    heroku().state.deploy(s.app, { processTypes: APP_PROCESS_TYPES });
    state = (await up(s.stack, fresh.state)).state;
    expect(postgres().plan).toBe(s.from);
  });

  afterEach(() => {
    lines?.mockRestore();
  });

  afterAll(async () => {
    await emulators.close();
  });

  it(`${s.from} → ${s.across} fails the preview and the up before any Heroku request, naming pg:copy`, async () => {
    const overrides = await withPostgresPlan(s.across);
    for (const preview of [true, false]) {
      heroku().resetCounts();
      await expect(up(s.stack, state, { overrides, preview })).rejects.toThrow(
        new RegExp(
          `plan: \`plan\` heroku-postgresql:${s.from} → heroku-postgresql:${s.across} crosses ` +
            "the Essential tier, which a plan change cannot do.*heroku pg:copy DATABASE_URL",
        ),
      );
      expect(heroku().requests).toEqual([]);
    }
    expect(postgres().plan).toBe(s.from);
  });

  it(`${s.from} → ${s.within}: one PATCH; preview and up say the switch-over comes later; DATABASE_URL changes only then`, async () => {
    const overrides = await withPostgresPlan(s.within);
    const url = app().configVars["DATABASE_URL"];
    const notice =
      `heroku: heroku-postgresql:${s.from} → heroku-postgresql:${s.within}: Heroku prepares a ` +
      "replacement database (up to several hours; the app keeps running on the current one) and " +
      "switches over later";
    lines = vi.spyOn(console, "error").mockImplementation(() => undefined);

    heroku().resetCounts();
    const preview = await up(s.stack, state, { overrides, preview: true });
    expect(heroku().requests).toEqual([]);
    expect(changes(preview)).toEqual(["update app-postgres"]);
    expect(said()).toContain(notice);
    expect(said()).toMatch(/`heroku pg:info -a [^`]+`; `heroku pg:wait -a [^`]+` returns when/);

    lines.mockClear();
    const applied = await up(s.stack, state, { overrides });
    state = applied.state;
    expect(changes(applied)).toEqual(["update app-postgres"]);
    expect(writesOf(heroku())).toEqual(["PATCH /apps/{app}/addons/{addon}"]);
    expect(said()).toContain(`heroku: plan changed: ${notice.slice("heroku: ".length)}`);
    expect(postgres().plan).toBe(s.within);
    expect(app().configVars["DATABASE_URL"]).toBe(url);

    // Hours later Heroku switches over: a new DATABASE_URL, and nothing for the stack to do.
    heroku().state.changeOver(postgres());
    expect(app().configVars["DATABASE_URL"]).not.toBe(url);
    for (const refresh of [false, true]) {
      heroku().resetCounts();
      const again = await up(s.stack, state, { overrides, refresh });
      state = again.state;
      expect(changes(again)).toEqual([]);
      expect(writesOf(heroku())).toEqual([]);
    }
    expect(heroku().violations).toEqual([]);
  });
});
