// The world the rollback end-to-end tests run in: the Heroku emulator holding gyana-beta's release
// history (v1..v43, see fixtures.ts), maintenance flag and one-off dynos, and a real PostgreSQL
// holding django_migrations. `useRollbackWorld()` registers the vitest hooks that build it afresh
// for every test and returns accessors plus `rollback(argv)`, which runs the command in-process.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { RetryEvent } from "../../providers/heroku/client";
import { runRollback } from "../../tools/rollback/main";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { scriptedOperator, type ScriptedTerminal } from "../support/scriptedOperator";
import { RELEASES, seedMigrations } from "./fixtures";

export const APP = "gyana-beta";

export const PROCFILE = {
  release: "python manage.py migrate",
  web: "gunicorn gyana.wsgi --log-file - --threads 4",
  worker: "celery -A gyana worker -l INFO -c 2 -Q celery",
  priority: "celery -A gyana worker -l INFO -c 2 -Q priority",
  beat: "celery -A gyana beat -l INFO",
};

export interface Run {
  code: number;
  out: string[];
  err: string[];
  retries: RetryEvent[];
  /** The questions asked on the terminal, in order. */
  asked: string[];
}

export interface Terminal extends ScriptedTerminal {
  fetch?: typeof fetch;
}

export interface RollbackWorld {
  pg(): PostgresServer;
  emu(): HerokuEmulator;
  /** Release ids by version. */
  ids(): Record<number, string>;
  rollback(argv: string[], terminal?: Terminal): Promise<Run>;
  /** `python manage.py migrate ...` commands of the one-off dynos started, in order. */
  dynoCommands(): string[];
  /** Every write request, as `METHOD path body`. */
  writes(): string[];
}

/** What Django prints for `migrate <app> <name>`, for the scripted one-off dynos. */
export function djangoOutput(command: string): string[] {
  const [, app, name] = /migrate (?:-- )?(\S+) (\S+)$/.exec(command) ?? [];
  return [
    "Operations to perform:",
    `  Target specific migration: ${name}, from ${app}`,
    "Running migrations:",
    "  Rendering model states... DONE",
  ];
}

export function useRollbackWorld(): RollbackWorld {
  let pg: PostgresServer;
  let emu: HerokuEmulator;
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

  async function rollback(argv: string[], terminal: Terminal = {}): Promise<Run> {
    const { io, clock, heroku, out, err, retries, asked } = scriptedOperator(emu, terminal);
    const code = await runRollback(argv, { io, clock, fetch: terminal.fetch, heroku });
    return { code, out, err, retries, asked };
  }

  return {
    pg: () => pg,
    emu: () => emu,
    ids: () => ids,
    rollback,
    dynoCommands: () =>
      emu.requests
        .filter((r) => r.route === "POST /apps/{app}/dynos" && r.status === 201)
        .map((r) => (r.body as { command: string }).command),
    writes: () =>
      emu.requests
        .filter((r) => r.method !== "GET")
        .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`),
  };
}

/** The one-off dyno commands a plan runs, in order. */
export const migrateCommands = (plan: { app: string; name: string }[]): string[] =>
  plan.map((m) => `python manage.py migrate -- ${m.app} ${m.name}`);
