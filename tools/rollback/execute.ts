// Carries out a rollback plan: each migrate on its own one-off dyno, stopping at the first that
// does not exit 0, then the code rollback, waited for. Maintenance handling wraps this (main.ts).
import type { HerokuClient } from "../../providers/heroku/client";
import { appPath, type Io } from "../release/cli";
import type { Clock } from "../release/poll";
import { describeRelease, waitForRelease, type Release } from "../release/releases";
import type { MigrationTarget } from "./migrations";
import { runOneOffDyno } from "./oneOffDyno";
import { migrateCommand } from "./plan";

/** A migrate step did not exit 0: what was done, what failed, what remains. */
export class MigrationStepError extends Error {
  constructor(
    readonly done: MigrationTarget[],
    readonly failed: MigrationTarget,
    readonly remaining: MigrationTarget[],
    readonly dyno: string,
    readonly exitCode: number | null,
  ) {
    super(
      `\`${migrateCommand(failed)}\` on ${dyno} ` +
        (exitCode === null
          ? "ended without an exit status in its log"
          : `exited with status ${exitCode}`),
    );
    this.name = "MigrationStepError";
  }
}

/** The migrations were reversed, but the code rollback failed or did not succeed. */
export class CodeRollbackError extends Error {
  constructor(
    message: string,
    readonly version: number,
  ) {
    super(message);
    this.name = "CodeRollbackError";
  }
}

export interface ExecuteDeps {
  client: HerokuClient;
  io: Io;
  clock: Clock;
  fetch?: typeof fetch;
}

export async function reverseMigrations(
  app: string,
  migrations: MigrationTarget[],
  deps: ExecuteDeps,
): Promise<void> {
  const done: MigrationTarget[] = [];
  for (const [index, migration] of migrations.entries()) {
    const command = migrateCommand(migration);
    deps.io.err(`[${index + 1}/${migrations.length}] ${command} (one-off dyno on ${app})`);
    const outcome = await runOneOffDyno(deps.client, app, command, {
      clock: deps.clock,
      fetch: deps.fetch,
      onOutput: (line) => deps.io.err(`    | ${line}`),
      onWait: (line) => deps.io.err(`    ${line}`),
    });
    if (outcome.exitCode !== 0) {
      throw new MigrationStepError(
        done,
        migration,
        migrations.slice(index + 1),
        outcome.dyno,
        outcome.exitCode,
      );
    }
    deps.io.err(`    ${outcome.dyno} exited with status 0`);
    done.push(migration);
  }
}

/** `POST /apps/{app}/releases {release}` (a rollback), then waits for its release phase. */
export async function rollBackCode(
  app: string,
  target: Release,
  deps: ExecuteDeps,
): Promise<Release> {
  deps.io.err(`Rolling the code of ${app} back to v${target.version}.`);
  let release: Release;
  try {
    const created = await deps.client.post<Release>(`${appPath(app)}/releases`, {
      release: target.id,
    });
    deps.io.err(`  created ${describeRelease(created)}`);
    release = await waitForRelease(deps.client, app, created.id, deps.clock, {
      onWait: (r, waited) => deps.io.err(`  v${r.version} is ${r.status}, waiting (${waited})`),
    });
  } catch (error) {
    throw new CodeRollbackError(
      error instanceof Error ? error.message : String(error),
      target.version,
    );
  }
  if (release.status !== "succeeded") {
    throw new CodeRollbackError(
      `the rollback release v${release.version} of ${app} is ${release.status}, so Heroku kept ` +
        `the previous code running (heroku releases:output v${release.version} --app ${app})`,
      target.version,
    );
  }
  return release;
}
