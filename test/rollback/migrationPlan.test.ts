// The migration plan against a real PostgreSQL holding a real django_migrations table.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../../tools/release/cli";
import { realClock } from "../../tools/release/poll";
import { databaseTarget } from "../../tools/rollback/database";
import { loadMigrationTargets } from "../../tools/rollback/migrations";
import { runRollback } from "../../tools/rollback/main";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { npmScript, ROOT } from "../support/npmScript";
import { CUTOFF, EXPECTED_PLAN, seedMigrations } from "./fixtures";

let pg: PostgresServer;

beforeAll(async () => {
  pg = await startPostgres();
  await seedMigrations(pg);
});

afterAll(async () => {
  await pg?.stop();
});

const local = () => databaseTarget(pg.url);

function recordingIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: false,
    ask: () => Promise.reject(new Error("no questions expected")),
  };
  return { io, out, err };
}

// The runbook's query, with its literal timestamps as parameters.
const RUNBOOK_SQL = `
with changed_apps as (select distinct app from django_migrations where applied > $1),
rollback_migrations as (select * from django_migrations where applied < $1)
select app, name from (
  select a.app, coalesce(m.name, 'zero') as name,
         rank() over (partition by a.app order by applied desc) as rank
  from rollback_migrations m right join changed_apps a on m.app = a.app
) X where rank = 1 order by app`;

describe("migration plan from django_migrations", () => {
  it("sends every app changed at or after the cut-off back to its last earlier migration, latest change first", async () => {
    const plan = await loadMigrationTargets(local(), CUTOFF);
    expect(plan.map(({ app, name }) => ({ app, name }))).toEqual(EXPECTED_PLAN);
    expect(plan.find((m) => m.app === "projects")?.reverses).toEqual([
      "0032_project_runs_info",
      "0031_project_access",
    ]);
  });

  it("leaves out apps with no migration at or after the cut-off", async () => {
    const apps = (await loadMigrationTargets(local(), CUTOFF)).map((m) => m.app);
    expect(apps).not.toContain("contenttypes");
    expect(apps).not.toContain("auth");
    expect(apps).not.toContain("teams");
  });

  it("sends an app whose every migration is new back to zero", async () => {
    const nodes = (await loadMigrationTargets(local(), CUTOFF)).find((m) => m.app === "nodes");
    expect(nodes).toEqual({
      app: "nodes",
      name: "zero",
      reverses: ["0002_node_error", "0001_initial"],
      lastApplied: "2026-11-20T14:03:14.000Z",
    });
  });

  it("reverses a migration applied exactly at the cut-off, which the runbook's query lost", async () => {
    const integrations = (await loadMigrationTargets(local(), CUTOFF)).find(
      (m) => m.app === "integrations",
    );
    expect(integrations?.name).toBe("0040_integration_ready");
    expect(integrations?.reverses).toEqual(["0041_integration_sheet_url"]);

    const runbook = await pg.query<{ app: string; name: string }>(RUNBOOK_SQL, [CUTOFF]);
    expect(runbook.map((r) => r.app)).not.toContain("integrations");
  });

  it("breaks a tie on `applied` by id, where the runbook's rank() returned both rows", async () => {
    for (let i = 0; i < 3; i++) {
      const widgets = (await loadMigrationTargets(local(), CUTOFF)).find(
        (m) => m.app === "widgets",
      );
      expect(widgets?.name).toBe("0020_widget_colour");
    }
    const runbook = await pg.query<{ app: string; name: string }>(RUNBOOK_SQL, [CUTOFF]);
    expect(
      runbook
        .filter((r) => r.app === "widgets")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["0020_widget_colour", "0021_widget_kind"]);
  });

  it("is empty for a cut-off after the last migration", async () => {
    expect(await loadMigrationTargets(local(), "2026-11-21T00:00:00Z")).toEqual([]);
  });

  it("passes the cut-off as a parameter, so SQL in it is data, not code", async () => {
    await expect(
      loadMigrationTargets(local(), `${CUTOFF}'; drop table django_migrations; --`),
    ).rejects.toThrow(/invalid input syntax for type timestamp with time zone/);
    expect(await pg.query("select count(*)::int as n from django_migrations")).toEqual([{ n: 22 }]);
  });

  it("says which database lacks the table when it is not a Django database", async () => {
    const other = databaseTarget(pg.url.replace(`/${pg.database}?`, "/postgres?"));
    await expect(loadMigrationTargets(other, CUTOFF)).rejects.toThrow(
      "127.0.0.1:" + pg.port + "/postgres has no django_migrations table",
    );
  });
});

describe("TLS to the database", () => {
  const bare = () => `postgres://postgres@127.0.0.1:${pg.port}/${pg.database}`;

  it("asks for TLS by default (Heroku Postgres requires it), so a server without TLS refuses", async () => {
    const target = databaseTarget(bare(), { env: {} });
    expect(target.config.ssl).toEqual({ rejectUnauthorized: false });
    await expect(loadMigrationTargets(target, CUTOFF)).rejects.toThrow(
      `could not connect to 127.0.0.1:${pg.port}/${pg.database} (TLS require): The server does not support SSL connections`,
    );
  });

  it("connects in plain text with --no-ssl, sslmode=disable in the URL, or PGSSLMODE=disable", async () => {
    const ways = [
      databaseTarget(bare(), { noSsl: true, env: {} }),
      databaseTarget(`${bare()}?sslmode=disable`, { env: {} }),
      databaseTarget(bare(), { env: { PGSSLMODE: "disable" } }),
    ];
    expect(ways.map((w) => w.tlsSource)).toEqual([
      "--no-ssl",
      "sslmode=disable in the URL",
      "PGSSLMODE=disable",
    ]);
    for (const target of ways) {
      expect(target.config.ssl).toBe(false);
      expect(await loadMigrationTargets(target, CUTOFF)).toHaveLength(5);
    }
  });

  it("lets the URL's sslmode win over PGSSLMODE, and --no-ssl win over both", () => {
    expect(databaseTarget(`${bare()}?sslmode=require`, { env: { PGSSLMODE: "disable" } }).tls).toBe(
      "require",
    );
    expect(databaseTarget(`${bare()}?sslmode=verify-full`, { env: {} }).config.ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(databaseTarget(`${bare()}?sslmode=require`, { noSsl: true }).tls).toBe("disable");
  });
});

describe("--since: the plan from a known cut-off, without Heroku", () => {
  it("prints one JSON document with no release and only the migrate steps", async () => {
    const { io, out } = recordingIo();
    const code = await runRollback(["--since", CUTOFF, "--database-url", pg.url, "--json"], {
      io,
      heroku: () => {
        throw new Error("--since must not use the Heroku API");
      },
      clock: realClock,
    });
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const doc = JSON.parse(out[0] ?? "") as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(["cutoff", "migrations", "release", "steps"]);
    expect(doc).toMatchObject({ cutoff: CUTOFF, migrations: EXPECTED_PLAN, release: null });
    expect(doc.steps).toEqual(
      EXPECTED_PLAN.map((m) => ({
        action: "migrate",
        app: null,
        djangoApp: m.app,
        migration: m.name,
        command: `python manage.py migrate -- ${m.app} ${m.name}`,
        unappliesAll: m.name === "zero",
        description:
          `run \`python manage.py migrate -- ${m.app} ${m.name}\`` +
          (m.name === "zero" ? ` (unapplies EVERY migration of ${m.app})` : ""),
      })),
    );
  });

  it("prints the plan as text through the real entry point, with no Heroku key set", () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.HEROKU_API_KEY;
    delete env.HEROKU_API_URL;
    const result = spawnSync(
      ...npmScript("rollback", ["--since", CUTOFF, "--database-url", pg.url]),
      { cwd: ROOT, env, encoding: "utf8" },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("cut-off:        2026-11-20T14:00:00Z (given with --since)");
    expect(result.stdout).toContain(
      "nodes        → zero                       (unapplies EVERY migration of nodes: 0002_node_error, 0001_initial; drops its tables and their data)",
    );
    expect(result.stdout).toContain("1. run `python manage.py migrate -- nodes zero`");
    expect(result.stderr).toContain("TLS disable: sslmode=disable in the URL");
  });

  it("refuses a time without a zone, with the usage", async () => {
    const { io, err } = recordingIo();
    const code = await runRollback(["--since", "2026-11-20 14:00", "--database-url", pg.url], {
      io,
      heroku: () => {
        throw new Error("unused");
      },
      clock: realClock,
    });
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(
      'error: --since "2026-11-20 14:00" is not an ISO 8601 time with a zone; for example 2026-11-20T10:00:00Z',
    );
    expect(err.join("\n")).toContain("Usage:");
  });
});
