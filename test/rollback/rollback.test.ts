// `npm run rollback` end to end, in-process, in the world of harness.ts: the Heroku emulator
// holds gyana-beta's release history, maintenance flag and one-off dynos; a real PostgreSQL holds
// django_migrations.
import { describe, expect, it } from "vitest";
import { CUTOFF, EXPECTED_PLAN } from "./fixtures";
import { APP, djangoOutput, migrateCommands, useRollbackWorld } from "./harness";

const world = useRollbackWorld();
const { rollback, dynoCommands, writes } = world;
// nodes goes back to zero in this history: every --execute confirms it.
const ZERO = ["--allow-zero", "nodes"];

describe("dry run", () => {
  it("prints the target, the exact cut-off, each app's migration and the steps, and changes nothing", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41"]);
    expect(run.code).toBe(0);
    const text = run.out.join("\n");
    expect(text).toContain(`Rollback plan for ${APP}`);
    expect(text).toContain(
      `target release: v41 (id ${world.ids()[41]}) "Deploy 5d1e2a7", created 2026-11-18T10:00:00Z`,
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
    expect(text).not.toContain(world.pg().url);
    expect(world.emu().counts()["GET /apps/{app}/releases/{release}/config-vars"]).toBe(1);
    for (const m of EXPECTED_PLAN) expect(text).toMatch(new RegExp(`  ${m.app} +→ ${m.name} `));
    expect(text).not.toMatch(/teams|contenttypes|auth /);
    expect(text).toContain(`1. check that maintenance mode is on for ${APP} (refuse otherwise)`);
    expect(text).toContain("7. roll the code back to v41 and wait for its release to succeed");
    expect(run.err).toContain(
      "Dry run: nothing was changed. Add --execute to carry out these steps.",
    );
    expect(run.err).toContain(
      `Note: maintenance mode is off on ${APP}; --execute will refuse unless you turn it on or add --maintenance.`,
    );
    expect(world.emu().writes()).toBe(0);
    // 43 releases in pages of 10.
    expect(world.emu().counts()["GET /apps/{app}/releases"]).toBe(5);
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
      id: world.ids()[41],
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
    expect(world.emu().writes()).toBe(0);
  });

  it("says there is nothing to do when the target is the latest release", async () => {
    const run = await rollback(["--app", APP, "--to", "43", "--execute", "--yes", ...ZERO]);
    expect(run.code).toBe(0);
    expect(run.err).toEqual([
      `Nothing to do: v43 is the latest release of ${APP}, there is nothing after it to roll back.`,
    ]);
    expect(world.emu().writes()).toBe(0);
  });

  it("names the nearest versions when the target does not exist", async () => {
    const run = await rollback(["--stack", "prod", "--to", "57"]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `error: ${APP} has no release v57; the nearest are v39, v40, v41, v42, v43 (latest v43). ` +
        `See them with: heroku releases --app ${APP}`,
    ]);
    expect(world.emu().writes()).toBe(0);
  });
});

describe("--execute", () => {
  it("refuses while maintenance mode is off and --maintenance was not given, making no write", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes", ...ZERO]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(
      new RegExp(`^refused: maintenance mode is off on ${APP}, .* Nothing was changed\\.$`),
    );
    expect(world.emu().writes()).toBe(0);
    expect(world.emu().state.app(APP).releases).toHaveLength(43);
  });

  it("refuses without a terminal and without --yes, and when the app name is not typed back", async () => {
    world.emu().state.app(APP).maintenance = true;
    const piped = await rollback(["--stack", "prod", "--to", "41", "--execute"]);
    expect(piped.code).toBe(1);
    expect(piped.err.at(-1)).toContain("refused: stdin is not a terminal");
    const typo = await rollback(["--stack", "prod", "--to", "41", "--execute"], {
      interactive: true,
      answers: ["yes"],
    });
    expect(typo.code).toBe(1);
    expect(typo.err.at(-1)).toBe(
      `refused: confirmation did not match ${APP}. Nothing was changed.`,
    );
    expect(world.emu().writes()).toBe(0);
  });

  it("with --maintenance turns it on, reverses each app latest first, rolls the code back and restores it", async () => {
    const run = await rollback(
      ["--stack", "prod", "--to", "41", "--execute", "--maintenance", ...ZERO],
      {
        interactive: true,
        answers: [APP],
      },
    );
    expect(run.err.filter((l) => l.startsWith("error") || l.startsWith("refused"))).toEqual([]);
    expect(run.code).toBe(0);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
    const w = writes();
    expect(w[0]).toBe(`PATCH /apps/${APP} {"maintenance":true}`);
    expect(w.at(-2)).toBe(`POST /apps/${APP}/releases {"release":"${world.ids()[41]}"}`);
    expect(w.at(-1)).toBe(`PATCH /apps/${APP} {"maintenance":false}`);
    for (const body of world.emu().requests.filter((r) => r.route === "POST /apps/{app}/dynos")) {
      expect(body.body).toMatchObject({ attach: false, type: "run", time_to_live: 3600 });
    }
    const app = world.emu().state.app(APP);
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

  it("without --maintenance, leaves maintenance mode on as it found it, and says so", async () => {
    world.emu().state.app(APP).maintenance = true;
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes", ...ZERO]);
    expect(run.code).toBe(0);
    expect(writes().filter((w) => w.startsWith("PATCH"))).toEqual([]);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
    expect(run.err).toContain(
      `Maintenance mode is still on for ${APP}, as it was before. Turn it off when the site is ` +
        `ready: heroku maintenance:off --app ${APP}`,
    );
  });

  it("with --maintenance, turns it off after success even when it found it on (a resumed run)", async () => {
    world.emu().state.app(APP).maintenance = true;
    const run = await rollback([
      "--stack",
      "prod",
      "--to",
      "41",
      "--execute",
      "--yes",
      "--maintenance",
      ...ZERO,
    ]);
    expect(run.code).toBe(0);
    expect(writes().filter((w) => w.startsWith("PATCH"))).toEqual([
      `PATCH /apps/${APP} {"maintenance":false}`,
    ]);
    expect(world.emu().state.app(APP).maintenance).toBe(false);
  });

  it("stops at a failed migrate, keeps maintenance on and the code, and prints a resume that finishes the job", async () => {
    world.emu().state.onDyno = (command) =>
      command.includes("migrate -- projects")
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
      ...ZERO,
    ]);
    expect(run.code).toBe(1);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN.slice(0, 2)));
    const err = run.err.join("\n");
    expect(err).toMatch(
      /FAILED: `python manage\.py migrate -- projects 0030_project_cname` on run\.\d+ exited with status 1\./,
    );
    expect(err).toContain("  done:     nodes → zero");
    expect(err).toContain("  failed:   projects → 0030_project_cname");
    expect(err).toContain(
      "  not run:  users → 0005_customuser_onboarded, widgets → 0020_widget_colour, integrations → 0040_integration_ready",
    );
    expect(err).toContain("The code was NOT rolled back");
    expect(err).toContain(`  heroku rollback v41 --app ${APP}`);
    expect(writes().filter((w) => w.startsWith("POST /apps/gyana-beta/releases"))).toEqual([]);
    // Left on: the database is half reversed under the code that expects it whole.
    expect(writes().filter((w) => w.startsWith("PATCH"))).toEqual([
      `PATCH /apps/${APP} {"maintenance":true}`,
    ]);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
    expect(world.emu().state.app(APP).releases).toHaveLength(43);

    // What the successful dyno did to the database, then the printed resume command.
    await world.pg().query("delete from django_migrations where app = 'nodes'");
    const resume = run.err.find((l) => l.trim().startsWith("npm run rollback --"))!.trim();
    expect(resume).toBe(
      "npm run rollback -- --stack prod --to 41 --execute --maintenance --allow-zero nodes",
    );
    world.emu().state.onDyno = (command) => ({ exitCode: 0, output: djangoOutput(command) });
    world.emu().resetCounts();
    const resumed = await rollback([...resume.split(" ").slice(4), "--yes"]);
    expect(resumed.code).toBe(0);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN.slice(1)));
    expect(world.emu().state.app(APP).maintenance).toBe(false);
    expect(world.emu().state.app(APP).releases.at(-1)?.description).toBe("Rollback to v41");
  });

  it("waits out a rate limit in the middle (429 with Retry-After) and carries on", async () => {
    world.emu().state.app(APP).maintenance = true;
    world
      .emu()
      .faults.inject({ method: "POST", path: /\/dynos$/, status: 429, retryAfter: 7, times: 1 });
    world.emu().faults.inject({ method: "GET", path: /\/releases\/[^/]+$/, status: 503, times: 1 });
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes", ...ZERO]);
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
    expect(world.emu().state.app(APP).releases.at(-1)).toMatchObject({
      version: 44,
      status: "succeeded",
    });
  });
});

describe("reading a one-off dyno's outcome from its log", () => {
  /** A log router that cuts tailing sessions short, or drops every exit line. */
  function lossyLogs(options: { dropTail: boolean; dropExit: boolean }): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      const text = await response.text();
      const session = world.emu().state.logSessions.get(String(input).split("/").pop() ?? "");
      let lines = text.split("\n");
      if (options.dropTail && session?.tail) lines = lines.slice(0, 2);
      if (options.dropExit) lines = lines.filter((l) => !l.includes("Process exited"));
      return new Response(lines.join("\n"), { status: response.status });
    };
  }

  it("falls back to the dyno's whole log when the tailing stream ends before the exit line", async () => {
    world.emu().state.app(APP).maintenance = true;
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes", ...ZERO], {
      fetch: lossyLogs({ dropTail: true, dropExit: false }),
    });
    expect(run.code).toBe(0);
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
    // Each dyno: a tailing session, then a replay once the dyno is gone.
    const sessions = world
      .emu()
      .requests.filter((r) => r.route === "POST /apps/{app}/log-sessions");
    expect(sessions.map((r) => (r.body as { tail: boolean }).tail)).toEqual(
      EXPECTED_PLAN.flatMap(() => [true, false]),
    );
    expect(run.err).toContain("    |   Target specific migration: zero, from nodes");
  });

  it("waits for the dyno and reads its log again when the log stream answers an error", async () => {
    world.emu().state.app(APP).maintenance = true;
    let broken = 0;
    const flaky: typeof fetch = async (input, init) => {
      const session = world.emu().state.logSessions.get(String(input).split("/").pop() ?? "");
      if (session?.tail) {
        broken++;
        return new Response("Bad Gateway", { status: 502 });
      }
      return fetch(input, init);
    };
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes", ...ZERO], {
      fetch: flaky,
    });
    expect(run.code).toBe(0);
    expect(broken).toBe(EXPECTED_PLAN.length);
    // The wait for each dyno says what it waits for, how long so far and until when.
    expect(run.err.filter((l) => l.includes("the log stream ended"))).toHaveLength(
      EXPECTED_PLAN.length,
    );
    expect(run.err).toContainEqual(
      expect.stringMatching(
        /^ {4}the log stream ended before the exit status; waiting for run\.\d+ to finish \(up; \d+s so far; gives up at \d\d:\d\d:\d\dZ\)$/,
      ),
    );
    expect(dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
  });

  it("treats a log without an exit status as a failure, before any code rollback", async () => {
    world.emu().state.app(APP).maintenance = true;
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--yes", ...ZERO], {
      fetch: lossyLogs({ dropTail: false, dropExit: true }),
    });
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toMatch(
      /FAILED: `python manage\.py migrate -- nodes zero` on run\.\d+ ended without an exit status in its log\./,
    );
    expect(dynoCommands()).toHaveLength(1);
    expect(world.emu().state.app(APP).releases).toHaveLength(43);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
  });
});
