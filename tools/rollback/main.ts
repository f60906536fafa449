// `npm run rollback`: reads the release history and the migrations table, prints the plan, and
// with --execute carries it out under maintenance mode. Everything it touches is injected, so
// tests run it in-process against the Heroku emulator and a real Postgres.
import type { HerokuClient } from "../../providers/heroku/client";
import { EXIT } from "../cli/exitCodes";
import { appPath, confirm, RefusedError, UsageError, type Io } from "../release/cli";
import { withMaintenance, maintenanceState } from "../release/maintenance";
import type { Clock } from "../release/poll";
import { describeRelease, listReleases, releasePath, type Release } from "../release/releases";
import { herokuAppForStack } from "../release/stackApp";
import { parseRollbackArgs, resumeCommand, ROLLBACK_USAGE, type RollbackArgs } from "./args";
import { changedConfigVarNames, configVarLines, type ConfigVarChange } from "./configVars";
import { checkSameDatabase, databaseTarget, type DatabaseTarget } from "./database";
import { checkDjangoNames } from "./djangoNames";
import { CodeRollbackError, MigrationStepError, reverseMigrations, rollBackCode } from "./execute";
import { loadMigrationTargets, type MigrationTarget } from "./migrations";
import {
  migrateCommand,
  PlanError,
  planJson,
  planSteps,
  resolveTarget,
  type BackgroundDynos,
  type RollbackPlan,
} from "./plan";
import { farBackWarning, planText, zeroWarnings } from "./planText";

export interface RollbackDeps {
  io: Io;
  /** Called only when the Heroku API is needed (never for --since). */
  heroku: () => HerokuClient;
  clock: Clock;
  /** For the log stream of one-off dynos. */
  fetch?: typeof fetch;
  env?: Record<string, string | undefined>;
  loadMigrations?: (target: DatabaseTarget, cutoff: string) => Promise<MigrationTarget[]>;
  /** Where Pulumi.<stack>.yaml files live (tests). */
  stackRoot?: string;
}

export async function runRollback(argv: string[], deps: RollbackDeps): Promise<number> {
  const { io } = deps;
  let args: RollbackArgs;
  try {
    args = parseRollbackArgs(argv);
    if (args.help) {
      io.out(ROLLBACK_USAGE);
      return EXIT.OK;
    }
  } catch (error) {
    return fail(io, error);
  }
  try {
    return await rollback(args, deps);
  } catch (error) {
    return fail(io, error);
  }
}

function fail(io: Io, error: unknown): number {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}\n\n${ROLLBACK_USAGE}`);
    return EXIT.USAGE;
  }
  const prefix = error instanceof RefusedError ? "refused" : "error";
  io.err(`${prefix}: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.FAILED;
}

async function rollback(args: RollbackArgs, deps: RollbackDeps): Promise<number> {
  const { io } = deps;
  const loadMigrations = deps.loadMigrations ?? loadMigrationTargets;
  const dbOptions = { noSsl: args.noSsl, env: deps.env ?? process.env };

  if (args.since !== undefined) {
    const database = databaseTarget(args.databaseUrl ?? "", dbOptions);
    const migrations = await loadMigrations(database, args.since);
    checkDjangoNames(migrations);
    const plan: RollbackPlan = {
      app: null,
      cutoff: args.since,
      cutoffSource: "given with --since",
      target: null,
      undone: [],
      migrations,
      steps: planSteps({ app: null, target: null, migrations, maintenance: false }),
      warnings: zeroWarnings(migrations),
    };
    printPlan(plan, args, io, database);
    return EXIT.OK;
  }

  const app = args.app ?? herokuAppForStack(args.stack ?? "", deps.stackRoot, "--app");
  const client = deps.heroku();
  const releases = await listReleases(client, app);
  const resolution = resolveTarget(releases, args.to ?? NaN, app);
  if (resolution.kind === "nothing-to-do") {
    const latest = resolution.target;
    io.err(
      `Nothing to do: v${latest.version} is the latest release of ${app}, there is nothing after it to roll back.`,
    );
    if (args.json)
      io.out(JSON.stringify({ cutoff: null, migrations: [], release: null, steps: [] }));
    return EXIT.OK;
  }

  const vars = await client.get<Record<string, string | null>>(`${appPath(app)}/config-vars`);
  const appDatabaseUrl = vars["DATABASE_URL"] ?? undefined;
  // Checked before the database is read: the plan must come from the database the dynos migrate.
  if (args.databaseUrl) checkSameDatabase(args.databaseUrl, appDatabaseUrl, app);
  const databaseUrl = args.databaseUrl ?? appDatabaseUrl;
  if (!databaseUrl) {
    throw new PlanError(
      `${app} has no DATABASE_URL config var, so there is no database to plan from`,
    );
  }
  const database = databaseTarget(databaseUrl, dbOptions);
  const configVars = await configVarChange(client, app, vars, resolution.target);
  const migrations = await loadMigrations(database, resolution.cutoff);
  checkDjangoNames(migrations);
  const plan: RollbackPlan = {
    app,
    cutoff: resolution.cutoff,
    cutoffSource: `created_at of v${resolution.cutoffRelease.version}, the earliest release undone`,
    target: resolution.target,
    undone: resolution.undone,
    migrations,
    steps: planSteps({ app, target: resolution.target, migrations, maintenance: args.maintenance }),
    warnings: [
      ...farBackWarning(app, resolution.target, resolution.undone, migrations),
      ...zeroWarnings(migrations),
      ...resolution.warnings,
      ...configVarLines(configVars).warnings,
    ],
    configVars,
    background: await backgroundDynos(client, app),
  };
  printPlan(plan, args, io, database);

  const maintenanceOn = await maintenanceState(client, app);
  if (!args.execute) {
    if (!maintenanceOn && !args.maintenance) {
      io.err(
        `Note: maintenance mode is off on ${app}; --execute will refuse unless you turn it on or add --maintenance.`,
      );
    }
    io.err("Dry run: nothing was changed. Add --execute to carry out these steps.");
    return EXIT.OK;
  }
  if (!maintenanceOn && !args.maintenance) {
    throw new RefusedError(
      `maintenance mode is off on ${app}, and reversing migrations under live traffic breaks ` +
        `requests. Turn it on first (heroku maintenance:on --app ${app}) or pass --maintenance, ` +
        `which turns it on and off again after success. Nothing was changed.`,
    );
  }
  await confirm(io, {
    yes: args.yes,
    question: `Roll ${app} back to v${resolution.target.version}, reversing ${migrations.length} app(s)' migrations?`,
    expected: app,
  });
  await confirmZero(io, args, migrations);

  const executeDeps = { client, io, clock: deps.clock, fetch: deps.fetch };
  try {
    const release = await withMaintenance(
      client,
      app,
      io,
      {
        enable: args.maintenance,
        require: true,
        leftOn: {
          why:
            "the rollback stopped part way, so the database may be half reversed under code " +
            "that expects it whole",
          finish: "Finish the rollback (below)",
        },
      },
      async () => {
        await reverseMigrations(app, migrations, executeDeps);
        return rollBackCode(app, resolution.target, executeDeps);
      },
    );
    io.out(
      `Rolled ${app} back to v${resolution.target.version}: new release ${describeRelease(release)}.`,
    );
    return EXIT.OK;
  } catch (error) {
    reportFailure(error, app, args, resolution.target.version, io);
    return EXIT.FAILED;
  }
}

/**
 * A step that takes an app to zero drops its tables: it needs its own yes, beyond the app name.
 * `--allow-zero <label>` gives it ahead; otherwise a terminal is asked (never with --yes, which
 * only answers the first question).
 */
async function confirmZero(io: Io, args: RollbackArgs, migrations: MigrationTarget[]) {
  for (const m of migrations.filter((t) => t.name === "zero")) {
    if (args.allowZero.includes(m.app)) continue;
    if (args.yes || !io.interactive) {
      throw new RefusedError(
        `the plan takes ${m.app} to zero (unapplies every migration of ${m.app}, dropping its ` +
          `tables and their data), and nobody confirmed it: add --allow-zero ${m.app}, or run on ` +
          `a terminal without --yes to be asked. Nothing was changed.`,
      );
    }
    await confirm(io, {
      yes: false,
      question:
        `${m.app} goes back to zero: every migration of ${m.app} is unapplied and its tables ` +
        `are dropped with their data.`,
      expected: m.app,
    });
  }
}

/** The app's process types other than web that have dynos: maintenance mode does not stop them. */
async function backgroundDynos(client: HerokuClient, app: string): Promise<BackgroundDynos> {
  try {
    const formation = await client.list<{ type: string; quantity: number }>(
      `${appPath(app)}/formation`,
    );
    return {
      kind: "read",
      running: formation
        .filter((f) => f.type !== "web" && f.quantity > 0)
        .map((f) => ({ type: f.type, quantity: f.quantity })),
    };
  } catch (error) {
    return { kind: "unknown", reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Which config vars the rollback puts back: the app's current config against the target
 * release's (`GET /apps/{app}/releases/{id}/config-vars`). Names only; a failed read is reported
 * in the plan rather than stopping it, since the rollback itself does not need it.
 */
async function configVarChange(
  client: HerokuClient,
  app: string,
  current: Record<string, string | null>,
  target: Release,
): Promise<ConfigVarChange> {
  try {
    const targetVars = await client.get<Record<string, string | null>>(
      `${releasePath(app, target.id, `release v${target.version} of ${app}`)}/config-vars`,
    );
    return {
      kind: "compared",
      targetVersion: target.version,
      names: changedConfigVarNames(current, targetVars),
    };
  } catch (error) {
    return { kind: "unknown", reason: error instanceof Error ? error.message : String(error) };
  }
}

function printPlan(plan: RollbackPlan, args: RollbackArgs, io: Io, database: DatabaseTarget): void {
  if (args.json) {
    io.out(JSON.stringify(planJson(plan), null, 2));
    for (const warning of plan.warnings) io.err(`WARNING: ${warning}`);
    return;
  }
  for (const line of planText(plan, { verbose: args.verbose })) io.out(line);
  io.err(`(database ${database.display}, TLS ${database.tls}: ${database.tlsSource})`);
}

/** What was done, what failed, what was not run, and how to finish: for any failure. */
function reportFailure(
  error: unknown,
  app: string,
  args: RollbackArgs,
  version: number,
  io: Io,
): void {
  if (error instanceof RefusedError) throw error;
  const label = (m: MigrationTarget) => `${m.app} → ${m.name}`;
  const resume = () => {
    io.err(
      "Resume with the same command; it recomputes the plan from the database, so only what " +
        "is left appears:",
    );
    io.err(`  ${resumeCommand(args)}`);
  };
  if (error instanceof MigrationStepError) {
    io.err(`FAILED: ${error.message}.`);
    io.err(`  done:     ${error.done.map(label).join(", ") || "(none)"}`);
    io.err(`  failed:   ${label(error.failed)}`);
    io.err(`  not run:  ${error.remaining.map(label).join(", ") || "(none)"}`);
    io.err(
      `The code was NOT rolled back: it stays on the release that has these migrations until ` +
        `the database is back.`,
    );
    io.err(
      `Fix the cause, then finish. ${[error.failed, ...error.remaining].map((m) => m.app).join(", ")} remain.`,
    );
    resume();
    io.err("or by hand, in this order:");
    for (const m of [error.failed, ...error.remaining]) {
      io.err(`  heroku run --app ${app} -- ${migrateCommand(m)}`);
    }
    io.err(`  heroku rollback v${version} --app ${app}`);
    return;
  }
  if (error instanceof CodeRollbackError) {
    io.err(`FAILED: the code rollback: ${error.message}.`);
    io.err(
      `The migrations were reversed; the code was not rolled back. Finish with: ` +
        `heroku rollback v${version} --app ${app}`,
    );
    resume();
    return;
  }
  io.err(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  io.err("Nothing after that point was run. Check heroku releases and heroku ps for the state.");
  resume();
}
