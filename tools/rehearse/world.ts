// The offline world a rehearsal runs in: the Heroku emulator holding gyana-release (staging) and
// gyana-beta (production) in the gyana pipeline, and a real local PostgreSQL holding gyana-beta's
// django_migrations. The emulator plays Heroku's part, including what Django does on it: a
// promoted release's release phase (`python manage.py migrate`) records the new build's
// migrations, and a one-off `python manage.py migrate -- <app> <target>` removes the rows above
// the target, as unapplying them would.
import { HerokuClient } from "../../providers/heroku/client";
import { startHerokuEmulator, type HerokuEmulator } from "../../test/emulator/heroku";
import { startPostgres, type PostgresServer } from "../../test/support/postgres";

export const SOURCE_APP = "gyana-release";
export const TARGET_APP = "gyana-beta";

const PROCFILE = {
  release: "python manage.py migrate",
  web: "gunicorn gyana.wsgi --log-file - --threads 4",
  worker: "celery -A gyana worker -l INFO -c 2 -Q celery",
  priority: "celery -A gyana worker -l INFO -c 2 -Q priority",
  beat: "celery -A gyana beat -l INFO",
};

/** gyana-beta's history before the release: [app, name, applied]. */
const HISTORY: [string, string, string][] = [
  ["contenttypes", "0001_initial", "2021-03-01T12:00:00Z"],
  ["auth", "0001_initial", "2021-03-01T12:00:01Z"],
  ["users", "0001_initial", "2021-03-01T12:00:02Z"],
  ["projects", "0001_initial", "2021-03-01T12:00:03Z"],
  ["integrations", "0001_initial", "2021-03-01T12:00:04Z"],
  ["users", "0005_customuser_onboarded", "2026-11-10T09:01:30Z"],
  ["projects", "0030_project_cname", "2026-11-18T10:01:41Z"],
  ["integrations", "0040_integration_ready", "2026-11-18T10:01:42Z"],
];

/** What the build on staging brings: its release phase applies these on production. */
export const NEW_MIGRATIONS: [string, string][] = [
  ["integrations", "0041_integration_sheet_url"],
  ["projects", "0031_project_access"],
  ["projects", "0032_project_runs_info"],
  ["nodes", "0001_initial"],
  ["nodes", "0002_node_error"],
];

export interface RehearsalWorld {
  heroku: HerokuEmulator;
  pg: PostgresServer;
  client(sleep?: (ms: number) => Promise<void>): HerokuClient;
  /** gyana-beta's version before the release: the rollback target. */
  previousVersion: number;
  /** Resolves once every database change the emulated dynos started has landed. */
  settled(): Promise<void>;
  /** django_migrations as `app.name`, in id order. */
  migrations(): Promise<string[]>;
  close(): Promise<void>;
}

const MIGRATE = /^python manage\.py migrate -- (\S+) (\S+)$/;

export interface WorldOptions {
  /** A Django app label whose reverse migration fails once (exit status 1, nothing changed). */
  failOnce?: string;
}

export async function startRehearsalWorld(options: WorldOptions = {}): Promise<RehearsalWorld> {
  const pg = await startPostgres({ database: "gyana" });
  let heroku: HerokuEmulator | undefined;
  try {
    heroku = await startHerokuEmulator();
    const world = await build(pg, heroku, options);
    return world;
  } catch (error) {
    await heroku?.close();
    await pg.stop();
    throw error;
  }
}

async function build(
  pg: PostgresServer,
  heroku: HerokuEmulator,
  options: WorldOptions,
): Promise<RehearsalWorld> {
  await pg.query(`create table django_migrations (
    id serial primary key,
    app varchar(255) not null,
    name varchar(255) not null,
    applied timestamp with time zone not null)`);
  for (const [app, name, applied] of HISTORY) {
    await pg.query("insert into django_migrations (app, name, applied) values ($1, $2, $3)", [
      app,
      name,
      applied,
    ]);
  }

  const { state } = heroku;
  state.setClock(new Date("2026-11-20T09:00:00Z"), 1000);
  const target = state.createApp({ name: TARGET_APP, region: "eu" });
  state.createApp({ name: SOURCE_APP, region: "eu" });
  // Set before the deploy, so every release carries it (a rollback restores a release's vars).
  target.configVars["DATABASE_URL"] = pg.url;
  state.deploy(TARGET_APP, { processTypes: PROCFILE, description: "Deploy 5d1e2a7" });
  state.deploy(SOURCE_APP, { processTypes: PROCFILE, description: "Deploy 5d1e2a7" });
  state.deploy(SOURCE_APP, { processTypes: PROCFILE, description: "Deploy 9c3f0b4" });
  for (const [type, quantity] of [
    ["worker", 2],
    ["priority", 1],
    ["beat", 1],
  ] as const) {
    const formation = target.formation.get(type);
    if (formation) formation.quantity = quantity;
  }
  const previousVersion = state.currentRelease(target)!.version;

  const client = (sleep?: (ms: number) => Promise<void>) =>
    new HerokuClient({ token: heroku.token, baseUrl: heroku.url, sleep });
  const api = client();
  const pipeline = await api.post<{ id: string }>("/pipelines", { name: "gyana" });
  await api.post("/pipeline-couplings", {
    app: SOURCE_APP,
    pipeline: pipeline.id,
    stage: "staging",
  });
  await api.post("/pipeline-couplings", {
    app: TARGET_APP,
    pipeline: pipeline.id,
    stage: "production",
  });

  const pending: Promise<unknown>[] = [];

  // A promoted release runs its release phase for a couple of polls and applies the new build's
  // migrations, recorded after the release was created (docs/rollback.md, "The cut-off").
  const createRelease = state.createRelease.bind(state);
  state.createRelease = (app, input) => {
    if (app.name !== TARGET_APP || !input.description.startsWith("Promote")) {
      return createRelease(app, input);
    }
    const release = createRelease(app, { ...input, pendingPolls: 2 });
    pending.push(
      (async () => {
        for (const [label, name] of NEW_MIGRATIONS) {
          await pg.query("insert into django_migrations (app, name, applied) values ($1, $2, $3)", [
            label,
            name,
            state.now().toISOString(),
          ]);
        }
      })(),
    );
    return release;
  };

  // `migrate -- <app> <target>` on a one-off dyno: the rows above the target go, as Django
  // unapplying those migrations would delete them.
  let failOnce = options.failOnce;
  state.onDyno = (command) => {
    const match = MIGRATE.exec(command);
    if (!match) return { exitCode: 1, output: [`rehearsal: no script for ${command}`] };
    const [, label, name] = match as unknown as [string, string, string];
    if (label === failOnce) {
      failOnce = undefined;
      return {
        exitCode: 1,
        output: [
          "Operations to perform:",
          `  Target specific migration: ${name}, from ${label}`,
          "Running migrations:",
          `django.db.utils.OperationalError: rehearsal: the reverse migration of ${label} fails once`,
        ],
      };
    }
    pending.push(
      name === "zero"
        ? pg.query("delete from django_migrations where app = $1", [label])
        : pg.query(
            `delete from django_migrations where app = $1 and id > (
               select id from django_migrations where app = $1 and name = $2)`,
            [label, name],
          ),
    );
    return {
      exitCode: 0,
      output: [
        "Operations to perform:",
        `  Target specific migration: ${name}, from ${label}`,
        "Running migrations:",
        `  Unapplying ${label} migrations above ${name}... OK`,
      ],
    };
  };

  heroku.resetCounts();
  return {
    heroku,
    pg,
    client,
    previousVersion,
    settled: async () => {
      await Promise.all(pending.splice(0));
    },
    migrations: async () =>
      (
        await pg.query<{ m: string }>(
          "select app || '.' || name as m from django_migrations order by id",
        )
      ).map((row) => row.m),
    close: async () => {
      await heroku.close();
      await pg.stop();
    },
  };
}
