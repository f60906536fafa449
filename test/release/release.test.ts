// `npm run release` end to end, in-process, against the Heroku emulator: the gyana pipeline with
// gyana-release (staging) and gyana-beta (production), and a second pipeline that must not mix.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HerokuClient, type RetryEvent } from "../../providers/heroku/client";
import type { Io } from "../../tools/release/cli";
import { runRelease } from "../../tools/release/main";
import type { Clock } from "../../tools/release/poll";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

const PROCFILE = {
  release: "python manage.py migrate",
  web: "gunicorn gyana.wsgi --log-file - --threads 4",
  worker: "celery -A gyana worker -l INFO -c 2 -Q celery",
  priority: "celery -A gyana worker -l INFO -c 2 -Q priority",
  beat: "celery -A gyana beat -l INFO",
};

let emu: HerokuEmulator;
let api: HerokuClient;

beforeEach(async () => {
  emu = await startHerokuEmulator();
  api = new HerokuClient({ token: emu.token, baseUrl: emu.url, sleep: async () => undefined });
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

async function release(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const retries: RetryEvent[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: false,
    ask: () => Promise.reject(new Error("no terminal")),
  };
  let now = Date.parse("2026-11-25T19:00:00Z");
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const code = await runRelease(argv, {
    io,
    clock,
    heroku: () =>
      new HerokuClient({
        token: emu.token,
        baseUrl: emu.url,
        sleep: clock.sleep,
        onRetry: (e) => retries.push(e),
      }),
  });
  return { code, out, err };
}

const staging = () => emu.state.app("gyana-release");
const prod = () => emu.state.app("gyana-beta");
const writes = () =>
  emu.requests
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`);

/** Promoted releases run a release phase: pending for `polls` GETs, then `outcome`. */
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

describe("dry run", () => {
  it("prints the source's release and slug, the target's current release and the steps, and changes nothing", async () => {
    const run = await release(["--from", "staging", "--to", "prod"]);
    expect(run.code).toBe(0);
    const source = staging().releases.at(-1)!;
    const target = prod().releases.at(-1)!;
    const text = run.out.join("\n");
    expect(text).toContain("Release plan: gyana-release → gyana-beta (pipeline gyana, ");
    expect(text).toContain(
      `source: gyana-release [staging] newest release v${source.version} (id ${source.id}) "Deploy 9c3f0b4"`,
    );
    expect(text).toContain(`slug ${source.slug!.id}`);
    expect(text).toContain(
      `target: gyana-beta [production] current release v${target.version} (id ${target.id}) "Deploy 5d1e2a7"`,
    );
    expect(text).toContain(
      `1. promote gyana-release v${source.version} (slug ${source.slug!.id}) to gyana-beta through pipeline gyana (POST /pipeline-promotions; no rebuild)`,
    );
    expect(run.err).toContain(
      "Dry run: nothing was changed. Add --execute to carry out these steps.",
    );
    expect(emu.writes()).toBe(0);
  });
});

describe("the entry point", () => {
  it("talks to the API at HEROKU_API_URL with HEROKU_API_KEY, as `npm run release` runs it", async () => {
    const root = join(__dirname, "..", "..");
    const child = spawn(
      join(root, "node_modules", ".bin", "tsx"),
      ["tools/release.ts", "--from", "staging", "--to", "prod"],
      { cwd: root, env: { ...process.env, HEROKU_API_KEY: emu.token, HEROKU_API_URL: emu.url } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("Dry run: nothing was changed. Add --execute to carry out these steps.\n");
    expect(code).toBe(0);
    expect(stdout).toContain("Release plan: gyana-release → gyana-beta (pipeline gyana, ");
    expect(emu.writes()).toBe(0);
  });
});

describe("--execute", () => {
  it("promotes the planned staging release, waits for prod's release phase and prints the new version", async () => {
    releasePhase(2, "succeeded");
    const before = prod().releases.length;
    const source = staging().releases.at(-1)!;
    const run = await release(["--from", "staging", "--to", "prod", "--execute", "--yes"]);
    expect(run.err.filter((l) => /^(error|refused)/.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    expect(writes()).toEqual([
      `POST /pipeline-promotions ${JSON.stringify({
        pipeline: { id: [...emu.state.pipelines.values()].find((p) => p.name === "gyana")!.id },
        source: { app: { id: staging().id }, release: { id: source.id } },
        targets: [{ app: { id: prod().id } }],
      })}`,
    ]);
    const created = prod().releases.at(-1)!;
    expect(prod().releases).toHaveLength(before + 1);
    expect(created).toMatchObject({
      status: "succeeded",
      description: `Promote gyana-release v${source.version}`,
    });
    expect(created.slug?.id).toBe(source.slug?.id);
    expect(
      run.err.some((l) => l.includes(`v${created.version} is pending (release phase), waiting`)),
    ).toBe(true);
    expect(run.out.at(-1)).toMatch(
      new RegExp(
        `^Released gyana-beta v${created.version}: v${created.version} \\(id ${created.id}\\) .* succeeded, slug ${source.slug!.id}$`,
      ),
    );
    // The staging app is untouched: nothing was rebuilt there.
    expect(staging().releases.at(-1)!.id).toBe(source.id);
  });

  it("with --maintenance turns it on for prod and restores it after", async () => {
    const run = await release([
      "--from",
      "staging",
      "--to",
      "prod",
      "--execute",
      "--yes",
      "--maintenance",
    ]);
    expect(run.code).toBe(0);
    const w = writes();
    expect(w[0]).toBe('PATCH /apps/gyana-beta {"maintenance":true}');
    expect(w[1]).toMatch(/^POST \/pipeline-promotions /);
    expect(w.at(-1)).toBe('PATCH /apps/gyana-beta {"maintenance":false}');
    expect(prod().maintenance).toBe(false);
  });

  it("reports a failed release phase, restores maintenance and exits 1", async () => {
    releasePhase(1, "failed");
    const run = await release([
      "--from",
      "staging",
      "--to",
      "prod",
      "--execute",
      "--yes",
      "--maintenance",
    ]);
    expect(run.code).toBe(1);
    const failed = prod().releases.at(-1)!;
    expect(run.err.at(-1)).toBe(
      `error: gyana-beta's release v${failed.version} is failed: its release phase failed, so Heroku ` +
        `kept the previous release running. See heroku releases:output v${failed.version} --app gyana-beta`,
    );
    expect(prod().maintenance).toBe(false);
  });

  it("refuses without --yes when there is no terminal, changing nothing", async () => {
    const run = await release(["--from", "staging", "--to", "prod", "--execute"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toContain("refused: stdin is not a terminal");
    expect(emu.writes()).toBe(0);
  });
});

describe("refusals", () => {
  it("refuses apps in different pipelines, changing nothing", async () => {
    const run = await release([
      "--from-app",
      "gyana-sandbox",
      "--to",
      "prod",
      "--execute",
      "--yes",
    ]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(
      /^refused: gyana-sandbox \(pipeline [0-9a-f-]+\) and gyana-beta \(pipeline [0-9a-f-]+\) are not in the same pipeline, so a promotion cannot carry the slug between them$/,
    );
    expect(emu.writes()).toBe(0);
  });

  it("refuses an app that is in no pipeline", async () => {
    emu.state.createApp({ name: "gyana-dev", region: "eu" });
    const run = await release(["--from", "dev", "--to", "prod"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe("refused: gyana-dev is not in a pipeline");
  });

  it("refuses when staging's newest release is not succeeded", async () => {
    const newest = staging().releases.at(-1)!;
    newest.status = "failed";
    const run = await release(["--from", "staging", "--to", "prod", "--execute", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(
      `refused: gyana-release's newest release v${newest.version} is failed, not succeeded: a ` +
        "deploy there is still running or has failed, so it is not the build QA signed off. " +
        "Promote once its newest release has succeeded.",
    );
    expect(emu.writes()).toBe(0);
  });

  it("rejects the same app on both sides and missing arguments, with the usage", async () => {
    const same = await release(["--from", "prod", "--to-app", "gyana-beta"]);
    expect(same.code).toBe(2);
    expect(same.err[0]).toMatch(
      /^error: the source and target are the same app \(gyana-beta\)\n\nUsage:/,
    );
    const missing = await release(["--from", "staging"]);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^error: give --to <stack> \(or --to-app <name>\)\n\nUsage:/);
    expect(emu.requests).toEqual([]);
  });
});
