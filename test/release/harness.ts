// The world the release end-to-end tests run in: the Heroku emulator with the gyana pipeline
// (gyana-release in staging, gyana-beta in production) and a second pipeline (gyana-sandbox) that
// must not mix. `useReleaseWorld()` registers the vitest hooks that build it afresh for every test
// and returns accessors plus `release(argv)`, which runs the command in-process.
import { afterEach, beforeEach, expect } from "vitest";
import { HerokuClient } from "../../providers/heroku/client";
import { runRelease } from "../../tools/release/main";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import { scriptedOperator, type ScriptedTerminal } from "../support/scriptedOperator";

export const PROCFILE = {
  release: "python manage.py migrate",
  web: "gunicorn gyana.wsgi --log-file - --threads 4",
  worker: "celery -A gyana worker -l INFO -c 2 -Q celery",
  priority: "celery -A gyana worker -l INFO -c 2 -Q priority",
  beat: "celery -A gyana beat -l INFO",
};

export interface Terminal extends ScriptedTerminal {
  env?: Record<string, string | undefined>;
}

export interface ReleaseRun {
  code: number;
  out: string[];
  err: string[];
  asked: string[];
  /** The questions whose answer was read without echo (a subset of `asked`). */
  askedWithoutEcho: string[];
}

type AppRecord = ReturnType<HerokuEmulator["state"]["app"]>;

export interface ReleaseWorld {
  emu(): HerokuEmulator;
  release(argv: string[], terminal?: Terminal): Promise<ReleaseRun>;
  staging(): AppRecord;
  prod(): AppRecord;
  /** Every write request, as `METHOD path body`. */
  writes(): string[];
  /** Promoted releases run a release phase: pending for `polls` GETs, then `outcome`. */
  releasePhase(polls: number, outcome: "succeeded" | "failed"): void;
}

export function useReleaseWorld(): ReleaseWorld {
  let emu: HerokuEmulator;

  beforeEach(async () => {
    emu = await startHerokuEmulator();
    const api = new HerokuClient({
      token: emu.token,
      baseUrl: emu.url,
      sleep: async () => undefined,
    });
    const { state } = emu;
    state.setClock(new Date("2026-11-20T09:00:00Z"), 60_000);
    for (const name of ["gyana-release", "gyana-beta", "gyana-sandbox"]) {
      state.createApp({ name, region: "eu" });
    }
    state.deploy("gyana-beta", { processTypes: PROCFILE, description: "Deploy 5d1e2a7" });
    state.deploy("gyana-release", { processTypes: PROCFILE, description: "Deploy 5d1e2a7" });
    state.deploy("gyana-release", { processTypes: PROCFILE, description: "Deploy 9c3f0b4" });
    state.deploy("gyana-sandbox", { processTypes: PROCFILE, description: "Deploy 0000001" });
    const gyana = await api.post<{ id: string }>("/pipelines", { name: "gyana" });
    const other = await api.post<{ id: string }>("/pipelines", { name: "sandbox" });
    for (const [app, pipeline, stage] of [
      ["gyana-release", gyana.id, "staging"],
      ["gyana-beta", gyana.id, "production"],
      ["gyana-sandbox", other.id, "staging"],
    ] as const) {
      await api.post("/pipeline-couplings", { app, pipeline, stage });
    }
    emu.resetCounts();
  });

  afterEach(async () => {
    expect(emu.violations).toEqual([]);
    await emu.close();
  });

  async function release(argv: string[], terminal: Terminal = {}): Promise<ReleaseRun> {
    const { io, clock, heroku, out, err, asked, askedWithoutEcho } = scriptedOperator(
      emu,
      terminal,
    );
    const code = await runRelease(argv, { io, clock, env: terminal.env ?? {}, heroku });
    return { code, out, err, asked, askedWithoutEcho };
  }

  const staging = () => emu.state.app("gyana-release");
  const prod = () => emu.state.app("gyana-beta");
  const writes = () =>
    emu.requests
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`);

  function releasePhase(polls: number, outcome: "succeeded" | "failed"): void {
    const state = emu.state;
    const create = state.createRelease.bind(state);
    state.createRelease = (app, input) =>
      create(
        app,
        input.description.startsWith("Promote") ? { ...input, pendingPolls: polls } : input,
      );
    const poll = state.pollRelease.bind(state);
    state.pollRelease = (app, r) => {
      if (outcome === "failed" && r.status === "pending" && r.pendingPolls === 0) {
        r.status = "failed";
        return;
      }
      poll(app, r);
    };
  }

  return {
    emu: () => emu,
    release,
    staging,
    prod,
    writes,
    releasePhase,
  };
}
