// `npm run rollback` end to end, in-process: the Heroku emulator holds gyana-beta's release
// history, maintenance flag and one-off dynos; a real PostgreSQL holds django_migrations.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HerokuClient, type RetryEvent } from "../../providers/heroku/client";
import type { Io } from "../../tools/release/cli";
import type { Clock } from "../../tools/release/poll";
import { runRollback } from "../../tools/rollback/main";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { CUTOFF, EXPECTED_PLAN, RELEASES, seedMigrations } from "./fixtures";

const APP = "gyana-beta";
const PROCFILE = {
  release: "python manage.py migrate",
  web: "gunicorn gyana.wsgi --log-file - --threads 4",
  worker: "celery -A gyana worker -l INFO -c 2 -Q celery",
  priority: "celery -A gyana worker -l INFO -c 2 -Q priority",
  beat: "celery -A gyana beat -l INFO",
};

let pg: PostgresServer;
let emu: HerokuEmulator;
/** Release ids by version. */
let ids: Record<number, string>;

beforeAll(async () => {
  pg = await startPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  await pg.query("drop table if exists django_migrations");
  await seedMigrations(pg);
  // Small pages, so reading 43 releases follows Next-Range four times.
  emu = await startHerokuEmulator({ pageSize: 10 });
  const { state } = emu;
  const app = state.createApp({ name: APP, region: "eu" });
  // Older history up to v39 (the emulator may already have made an initial release).
  for (let v = app.releases.length + 1; v < 40; v++) {
    state.deploy(app, {
      processTypes: PROCFILE,
      description: `Deploy ${String(v).padStart(7, "0")}`,
      createdAt: new Date(Date.UTC(2026, 0, v)),
    });
  }
  for (const r of RELEASES.filter((r) => r.description.startsWith("Deploy"))) {
    state.deploy(app, {
      processTypes: PROCFILE,
      description: r.description,
      createdAt: new Date(r.createdAt),
    });
  }
  app.configVars["DATABASE_URL"] = pg.url;
  state.setClock(new Date(RELEASES[3]!.createdAt));
  state.setConfigVars(app, { SENDGRID_API_KEY: "SG.test" });
  state.setClock(new Date("2026-11-25T19:00:00Z"), 1000);
  ids = Object.fromEntries(app.releases.map((r) => [r.version, r.id]));
  state.onDyno = (command) => ({ exitCode: 0, output: djangoOutput(command) });
});

afterEach(async () => {
  expect(emu.violations).toEqual([]);
  await emu.close();
});

function djangoOutput(command: string): string[] {
  const [, app, name] = /migrate (\S+) (\S+)$/.exec(command) ?? [];
  return [
    "Operations to perform:",
    `  Target specific migration: ${name}, from ${app}`,
    "Running migrations:",
    "  Rendering model states... DONE",
  ];
}

interface Run {
  code: number;
  out: string[];
  err: string[];
  retries: RetryEvent[];
}

async function rollback(
  argv: string[],
  terminal: { interactive?: boolean; answer?: string; fetch?: typeof fetch } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const retries: RetryEvent[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: terminal.interactive ?? false,
    ask: async () => terminal.answer ?? "",
  };
  let now = Date.parse("2026-11-25T19:00:00Z");
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const code = await runRollback(argv, {
    io,
    clock,
    fetch: terminal.fetch,
    heroku: () =>
      new HerokuClient({
        token: emu.token,
        baseUrl: emu.url,
        sleep: clock.sleep,
        onRetry: (event) => retries.push(event),
      }),
  });
  return { code, out, err, retries };
}

const dynoCommands = () =>
  emu.requests
    .filter((r) => r.route === "POST /apps/{app}/dynos" && r.status === 201)
    .map((r) => (r.body as { command: string }).command);

const writes = () =>
  emu.requests
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`);

const migrateCommands = (plan: { app: string; name: string }[]) =>
  plan.map((m) => `python manage.py migrate ${m.app} ${m.name}`);

describe("dry run", () => {
  it("prints the target, the exact cut-off, each app's migration and the steps, and changes nothing", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41"]);
    expect(run.code).toBe(0);
    const text = run.out.join("\n");
    expect(text).toContain(`Rollback plan for ${APP}`);
    expect(text).toContain(
      `target release: v41 (id ${ids[41]}) "Deploy 5d1e2a7", created 2026-11-18T10:00:00Z`,
    );
    expect(text).toContain(
      'undoing:        v42 "Deploy 9c3f0b4", v43 "Set SENDGRID_API_KEY config vars"',
    );
    expect(text).toContain(
      `cut-off:        ${CUTOFF} (created_at of v42, the earliest release undone)`,
    );
    // v43 set SENDGRID_API_KEY, and DATABASE_URL came after v41 too: Heroku's rollback restores
    // v41's config vars. Names only, never values.
    expect(text).toContain(
      "config vars:    the rollback restores v41's values of DATABASE_URL, SENDGRID_API_KEY (the next pulumi up re-applies the stack's)",
    );
    expect(text).not.toContain("SG.test");
    expect(text).not.toContain(pg.url);
    expect(emu.counts()["GET /apps/{app}/releases/{release}/config-vars"]).toBe(1);
    for (const m of EXPECTED_PLAN) expect(text).toMatch(new RegExp(`  ${m.app} +→ ${m.name} `));
    expect(text).not.toMatch(/teams|contenttypes|auth /);
    expect(text).toContain(`1. check that maintenance mode is on for ${APP} (refuse otherwise)`);
    expect(text).toContain(
      `7. roll the code back to v41 (POST /apps/${APP}/releases {"release": "${ids[41]}"}) and wait for the new release to succeed`,
    );
    expect(run.err).toContain(
      "Dry run: nothing was changed. Add --execute to carry out these steps.",
    );
    expect(run.err).toContain(
      `Note: maintenance mode is off on ${APP}; --execute will refuse unless you turn it on or add --maintenance.`,
    );
    expect(emu.writes()).toBe(0);
    // 43 releases in pages of 10.
    expect(emu.counts()["GET /apps/{app}/releases"]).toBe(5);
  });

  it("prints exactly one JSON document with --json", async () => {
    const run = await rollback(["--stack", "prod", "--to", "v41", "--json", "--maintenance"]);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const doc = JSON.parse(run.out[0]!) as {
      cutoff: string;
      migrations: unknown[];
      release: unknown;
      steps: { action: string; command?: string }[];
    };
    expect(Object.keys(doc)).toEqual(["cutoff", "migrations", "release", "steps"]);
    expect(doc.cutoff).toBe(CUTOFF);
    expect(doc.migrations).toEqual(EXPECTED_PLAN);
    expect(doc.release).toEqual({
      id: ids[41],
      version: 41,
      description: "Deploy 5d1e2a7",
      created_at: "2026-11-18T10:00:00Z",
      status: "succeeded",
    });
    expect(doc.steps.map((s) => s.action)).toEqual([
      "maintenance-on",
      ...EXPECTED_PLAN.map(() => "migrate"),
      "rollback-code",
      "maintenance-restore",
    ]);
    expect(doc.steps.filter((s) => s.command).map((s) => s.command)).toEqual(
      migrateCommands(EXPECTED_PLAN),
    );
    expect(emu.writes()).toBe(0);
  });

  it("says there is nothing to do when the target is the latest release", async () => {
    const run = await rollback(["--app", APP, "--to", "43", "--execute", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.err).toEqual([
      `Nothing to do: v43 is the latest release of ${APP}, there is nothing after it to roll back.`,
    ]);
    expect(emu.writes()).toBe(0);
  });

  it("names the nearest versions when the target does not exist", async () => {
    const run = await rollback(["--stack", "prod", "--to", "57"]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `error: ${APP} has no release v57; the nearest are v39, v40, v41, v42, v43 (latest v43). ` +
        `See them with: heroku releases --app ${APP}`,
    ]);
    expect(emu.writes()).toBe(0);
  });
});

describe("--execute", () => {
  it("refuses while maintenance mode is off and --maintenance was not given, making no write", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(
      new RegExp(`^refused: maintenance mode is off on ${APP}, .* Nothing was changed\\.$`),
    );
    expect(emu.writes()).toBe(0);
    expect(emu.state.app(APP).releases).toHaveLength(43);
  });

  it("refuses without a terminal and without --yes, and when the app name is not typed back", async () => {
    emu.state.app(APP).maintenance = true;
    const piped = await rollback(["--stack", "prod", "--to", "41", "--execute"]);
    expect(piped.code).toBe(1);
    expect(piped.err.at(-1)).toContain("refused: stdin is not a terminal");
    const typo = await rollback(["--stack", "prod", "--to", "41", "--execute"], {
      interactive: true,
      answer: "yes",
    });
    expect(typo.code).toBe(1);
    expect(typo.err.at(-1)).toBe(
      `refused: confirmation did not match ${APP}. Nothing was changed.`,
    );
    expect(emu.writes()).toBe(0);
  });

  it("with --maintenance turns it on, reverses each app latest first, rolls the code back and restores it", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--maintenance"], {
      interactive: true,
      answer: APP,
    });
    expect(run.err.filter((l) => l.startsWith("error") || l.startsWith("refused"))).toEqual([]);
    expect(run.code).toBe(0);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
    const w = writes();
    expect(w[0]).toBe(`PATCH /apps/${APP} {"maintenance":true}`);
    expect(w.at(-2)).toBe(`POST /apps/${APP}/releases {"release":"${ids[41]}"}`);
    expect(w.at(-1)).toBe(`PATCH /apps/${APP} {"maintenance":false}`);
    for (const body of emu.requests.filter((r) => r.route === "POST /apps/{app}/dynos")) {
      expect(body.body).toMatchObject({ attach: false, type: "run", time_to_live: 3600 });
    }
    const app = emu.state.app(APP);
    expect(app.maintenance).toBe(false);
    const rolledBack = app.releases.at(-1)!;
    expect(rolledBack).toMatchObject({
      version: 44,
      description: "Rollback to v41",
      status: "succeeded",
    });
    expect(rolledBack.slug?.id).toBe(app.releases[40]!.slug?.id);
    expect(run.out.at(-1)).toMatch(
      new RegExp(
        `^Rolled ${APP} back to v41: new release v44 \\(id ${rolledBack.id}\\) "Rollback to v41", .* succeeded`,
      ),
    );
    // The dyno's output reached the operator.
    expect(run.err).toContain("    |   Target specific migration: zero, from nodes");
  });

  it("leaves maintenance mode on when it was already on", async () => {
    emu.state.app(APP).maintenance = true;
    const run = await rollback([
      "--stack",
      "prod",
      "--to",
      "41",
      "--execute",
      "--yes",
      "--maintenance",
    ]);
    expect(run.code).toBe(0);
    expect(writes().filter((w) => w.startsWith("PATCH"))).toEqual([]);
    expect(emu.state.app(APP).maintenance).toBe(true);
  });

  it("stops at a failed migrate, restores maintenance, keeps the code, and prints a resume that finishes the job", async () => {
    emu.state.onDyno = (command) =>
      command.includes("migrate projects")
        ? {
            exitCode: 1,
            output: ['django.db.utils.IntegrityError: column "access" contains null values'],
          }
        : { exitCode: 0, output: djangoOutput(command) };
    const run = await rollback([
      "--stack",
      "prod",
      "--to",
      "41",
      "--execute",
      "--maintenance",
      "--yes",
    ]);
    expect(run.code).toBe(1);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN.slice(0, 2)));
    const err = run.err.join("\n");
    expect(err).toMatch(
      /FAILED: `python manage\.py migrate projects 0030_project_cname` on run\.\d+ exited with status 1\./,
    );
    expect(err).toContain("  done:     nodes → zero");
    expect(err).toContain("  failed:   projects → 0030_project_cname");
    expect(err).toContain(
      "  not run:  users → 0005_customuser_onboarded, widgets → 0020_widget_colour, integrations → 0040_integration_ready",
    );
    expect(err).toContain("The code was NOT rolled back");
    expect(err).toContain(`  heroku rollback v41 --app ${APP}`);
    expect(writes().filter((w) => w.startsWith("POST /apps/gyana-beta/releases"))).toEqual([]);
    expect(writes().at(-1)).toBe(`PATCH /apps/${APP} {"maintenance":false}`);
    expect(emu.state.app(APP).maintenance).toBe(false);
    expect(emu.state.app(APP).releases).toHaveLength(43);

    // What the successful dyno did to the database, then the printed resume command.
    await pg.query("delete from django_migrations where app = 'nodes'");
    const resume = run.err.find((l) => l.trim().startsWith("npm run rollback --"))!.trim();
    expect(resume).toBe("npm run rollback -- --stack prod --to 41 --execute --maintenance");
    emu.state.onDyno = (command) => ({ exitCode: 0, output: djangoOutput(command) });
    emu.resetCounts();
    const resumed = await rollback([...resume.split(" ").slice(4), "--yes"]);
    expect(resumed.code).toBe(0);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN.slice(1)));
    expect(emu.state.app(APP).releases.at(-1)?.description).toBe("Rollback to v41");
  });

  it("waits out a rate limit in the middle (429 with Retry-After) and carries on", async () => {
    emu.state.app(APP).maintenance = true;
    emu.faults.inject({ method: "POST", path: /\/dynos$/, status: 429, retryAfter: 7, times: 1 });
    emu.faults.inject({ method: "GET", path: /\/releases\/[^/]+$/, status: 503, times: 1 });
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.retries.map((r) => [r.method, r.path, r.status, r.delayMs])).toEqual([
      ["POST", `/apps/${APP}/dynos`, 429, 7000],
      [
        "GET",
        expect.stringMatching(new RegExp(`^/apps/${APP}/releases/`)),
        503,
        expect.any(Number),
      ],
    ]);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
    expect(emu.state.app(APP).releases.at(-1)).toMatchObject({ version: 44, status: "succeeded" });
  });
});

describe("reading a one-off dyno's outcome from its log", () => {
  /** A log router that cuts tailing sessions short, or drops every exit line. */
  function lossyLogs(options: { dropTail: boolean; dropExit: boolean }): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      const text = await response.text();
      const session = emu.state.logSessions.get(String(input).split("/").pop() ?? "");
      let lines = text.split("\n");
      if (options.dropTail && session?.tail) lines = lines.slice(0, 2);
      if (options.dropExit) lines = lines.filter((l) => !l.includes("Process exited"));
      return new Response(lines.join("\n"), { status: response.status });
    };
  }

  it("falls back to the dyno's whole log when the tailing stream ends before the exit line", async () => {
    emu.state.app(APP).maintenance = true;
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes"], {
      fetch: lossyLogs({ dropTail: true, dropExit: false }),
    });
    expect(run.code).toBe(0);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
    // Each dyno: a tailing session, then a replay once the dyno is gone.
    const sessions = emu.requests.filter((r) => r.route === "POST /apps/{app}/log-sessions");
    expect(sessions.map((r) => (r.body as { tail: boolean }).tail)).toEqual(
      EXPECTED_PLAN.flatMap(() => [true, false]),
    );
    expect(run.err).toContain("    |   Target specific migration: zero, from nodes");
  });

  it("waits for the dyno and reads its log again when the log stream answers an error", async () => {
    emu.state.app(APP).maintenance = true;
    let broken = 0;
    const flaky: typeof fetch = async (input, init) => {
      const session = emu.state.logSessions.get(String(input).split("/").pop() ?? "");
      if (session?.tail) {
        broken++;
        return new Response("Bad Gateway", { status: 502 });
      }
      return fetch(input, init);
    };
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes"], {
      fetch: flaky,
    });
    expect(run.code).toBe(0);
    expect(broken).toBe(EXPECTED_PLAN.length);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
  });

  it("treats a log without an exit status as a failure, before any code rollback", async () => {
    emu.state.app(APP).maintenance = true;
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes"], {
      fetch: lossyLogs({ dropTail: false, dropExit: true }),
    });
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toMatch(
      /FAILED: `python manage\.py migrate nodes zero` on run\.\d+ ended without an exit status in its log\./,
    );
    expect(dynoCommands()).toHaveLength(1);
    expect(emu.state.app(APP).releases).toHaveLength(43);
    expect(emu.state.app(APP).maintenance).toBe(true);
  });
});
