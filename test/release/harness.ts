// The world the release end-to-end tests run in: the Heroku emulator with the gyana pipeline
// (gyana-release in staging, gyana-beta in production) and a second pipeline (gyana-sandbox) that
// must not mix. `useReleaseWorld()` registers the vitest hooks that build it afresh for every test
// and returns accessors plus `release(argv)`, which runs the command in-process.
import { afterEach, beforeEach, expect } from "vitest";
import { HerokuClient, type RetryEvent } from "../../providers/heroku/client";
import type { Io } from "../../tools/release/cli";
import { runRelease } from "../../tools/release/main";
import type { Clock } from "../../tools/release/poll";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

export const PROCFILE = {
  release: "python manage.py migrate",
  web: "gunicorn gyana.wsgi --log-file - --threads 4",
  worker: "celery -A gyana worker -l INFO -c 2 -Q celery",
  priority: "celery -A gyana worker -l INFO -c 2 -Q priority",
  beat: "celery -A gyana beat -l INFO",
};

export interface Terminal {
  interactive?: boolean;
  /** Answers to the questions, in order; the last one repeats. */
  answers?: string[];
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
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const askedWithoutEcho: string[] = [];
    const retries: RetryEvent[] = [];
    const answers = terminal.answers ?? [];
    const io: Io = {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      interactive: terminal.interactive ?? false,
      ask: async (question, options) => {
        asked.push(question);
        if (options?.secret) askedWithoutEcho.push(question);
        return answers[Math.min(asked.length, answers.length) - 1] ?? "";
      },
    };
    let now = Date.parse("2026-11-25T19:00:00Z");
    const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
    const code = await runRelease(argv, {
      io,
      clock,
      env: terminal.env ?? {},
      heroku: () =>
        new HerokuClient({
          token: emu.token,
          baseUrl: emu.url,
          sleep: clock.sleep,
          onRetry: (e) => retries.push(e),
        }),
    });
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
