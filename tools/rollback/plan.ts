// The pure core of the rollback: from an app's release history and the migrations table's
// answer to a plan of exact steps. No I/O here, so every edge is a unit test.
import { apiId } from "../../providers/heroku/providerKit";
import type { Release } from "../release/releases";
import { isAppLabel, isMigrationName } from "./djangoNames";
import type { ConfigVarChange } from "./configVars";
import type { MigrationTarget } from "./migrations";

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export type TargetResolution =
  | {
      kind: "rollback";
      target: Release;
      /** Every release after the target, oldest first: what the rollback undoes. */
      undone: Release[];
      /** created_at of the earliest undone release: migrations at or after it are reversed. */
      cutoff: string;
      cutoffRelease: Release;
      /** Reasons to read the plan twice (see `cutoffWarnings`). */
      warnings: string[];
    }
  | { kind: "nothing-to-do"; target: Release };

/** Accepts `41` or `v41`. */
export function parseVersion(text: string): number | undefined {
  const match = /^v?(\d+)$/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** The versions closest to `version`, ascending: what the operator probably meant. */
export function nearestVersions(releases: Release[], version: number, count = 5): number[] {
  return releases
    .map((r) => r.version)
    .sort((a, b) => Math.abs(a - version) - Math.abs(b - version) || a - b)
    .slice(0, count)
    .sort((a, b) => a - b);
}

export function resolveTarget(releases: Release[], version: number, app: string): TargetResolution {
  const sorted = [...releases].sort((a, b) => a.version - b.version);
  const target = sorted.find((r) => r.version === version);
  if (!target) {
    const nearest = nearestVersions(sorted, version);
    throw new PlanError(
      nearest.length === 0
        ? `${app} has no releases at all, so there is no v${version} to roll back to`
        : `${app} has no release v${version}; the nearest are ${nearest.map((v) => `v${v}`).join(", ")} ` +
            `(latest v${sorted.at(-1)?.version}). See them with: heroku releases --app ${app}`,
    );
  }
  const undone = sorted.filter((r) => r.version > version);
  if (undone.length === 0) return { kind: "nothing-to-do", target };
  if (target.status !== "succeeded") {
    throw new PlanError(
      `v${version} of ${app} is ${target.status}, not succeeded: its code never ran (or its slug ` +
        `is gone), so it is not a state to roll back to. Pick a succeeded release.`,
    );
  }
  if (target.eligible_for_rollback === false) {
    throw new PlanError(`Heroku says v${version} of ${app} is not eligible for rollback.`);
  }
  // The id goes into the rollback's request and a path: it must be what Heroku's schema says.
  apiId(target.id, `release v${version} of ${app}`);
  // Versions and creation times rise together; taking the earliest time anyway keeps the
  // cut-off on the safe side if a clock ever disagreed.
  const cutoffRelease = undone.reduce((earliest, r) =>
    Date.parse(r.created_at) < Date.parse(earliest.created_at) ? r : earliest,
  );
  const cutoff = cutoffRelease.created_at;
  return {
    kind: "rollback",
    target,
    undone,
    cutoff,
    cutoffRelease,
    warnings: cutoffWarnings(target, cutoffRelease),
  };
}

/**
 * The cut-off assumes the target's release phase had finished when the next release was
 * created. A release's `updated_at` moves when its status leaves `pending`; if that is after the
 * cut-off, migrations the target's own release phase applied late would be in the plan.
 */
export function cutoffWarnings(target: Release, cutoffRelease: Release): string[] {
  if (!target.updated_at) return [];
  if (Date.parse(target.updated_at) <= Date.parse(cutoffRelease.created_at)) return [];
  return [
    `v${target.version} last changed status at ${target.updated_at}, after v${cutoffRelease.version} ` +
      `was created (${cutoffRelease.created_at}): if its release phase was still running then, ` +
      `migrations it applied late appear above and would be reversed. Check each one belongs to ` +
      `a release being undone; if not, use --since with a later time.`,
  ];
}

/** Parses `--since`: an ISO 8601 time with an explicit zone, so no local clock guesses. */
export function parseSince(text: string): string {
  const zoned = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
  if (!zoned.test(text.trim()) || Number.isNaN(Date.parse(text.trim().replace(" ", "T")))) {
    throw new PlanError(
      `--since "${text}" is not an ISO 8601 time with a zone; for example 2026-11-20T10:00:00Z`,
    );
  }
  return text.trim();
}

export type Step =
  | StepText<{ action: "require-maintenance"; app: string }>
  | StepText<{ action: "maintenance-on"; app: string }>
  | StepText<{
      action: "migrate";
      app: string | null;
      djangoApp: string;
      migration: string;
      command: string;
      /** True for `→ zero`: every migration of the app is unapplied and its tables dropped. */
      unappliesAll: boolean;
    }>
  | StepText<{ action: "rollback-code"; app: string; release: string; version: number }>
  | StepText<{ action: "maintenance-restore"; app: string }>;

/** A step in operator words, and the API calls behind it (shown with --verbose). */
type StepText<T> = T & { description: string; detail?: string };

/**
 * `python manage.py migrate -- <app> <name>`. The names were checked to be Django identifiers
 * (djangoNames.ts); `--` ends manage.py's options all the same, so no value can become one.
 */
export function migrateCommand(target: Pick<MigrationTarget, "app" | "name">): string {
  if (!isAppLabel(target.app) || !isMigrationName(target.name)) {
    throw new PlanError(
      `refusing to build a migrate command from ${JSON.stringify(target.app)} ` +
        `${JSON.stringify(target.name)}: not Django identifiers`,
    );
  }
  return `python manage.py migrate -- ${target.app} ${target.name}`;
}

/** Every step `--execute` takes, in order. `app` is null for a `--since` plan (no Heroku). */
export function planSteps(input: {
  app: string | null;
  target: Release | null;
  migrations: MigrationTarget[];
  maintenance: boolean;
}): Step[] {
  const { app, target, migrations } = input;
  const steps: Step[] = [];
  if (app) {
    steps.push(
      input.maintenance
        ? {
            action: "maintenance-on",
            app,
            description:
              `turn maintenance mode on for ${app} if it is off (turned off again after ` +
              `success; after a failure it stays on)`,
            detail: `PATCH /apps/${app} {"maintenance": true}`,
          }
        : {
            action: "require-maintenance",
            app,
            description: `check that maintenance mode is on for ${app} (refuse otherwise)`,
            detail: `GET /apps/${app}`,
          },
    );
  }
  for (const m of migrations) {
    const command = migrateCommand(m);
    const unappliesAll = m.name === "zero";
    const all = unappliesAll ? ` (unapplies EVERY migration of ${m.app})` : "";
    steps.push({
      action: "migrate",
      app,
      djangoApp: m.app,
      migration: m.name,
      command,
      unappliesAll,
      description: app
        ? `run \`${command}\` on a one-off dyno of ${app} and require exit status 0${all}`
        : `run \`${command}\`${all}`,
      ...(app
        ? {
            detail:
              `POST /apps/${app}/dynos {"command": …, "attach": false, "type": "run"}; the exit ` +
              `status is read from the dyno's log (POST /apps/${app}/log-sessions)`,
          }
        : {}),
    });
  }
  if (app && target) {
    steps.push({
      action: "rollback-code",
      app,
      release: target.id,
      version: target.version,
      description: `roll the code back to v${target.version} and wait for its release to succeed`,
      detail: `POST /apps/${app}/releases {"release": "${target.id}"}`,
    });
  }
  if (app && input.maintenance) {
    steps.push({
      action: "maintenance-restore",
      app,
      description: `turn maintenance mode off for ${app}`,
      detail: `PATCH /apps/${app} {"maintenance": false}`,
    });
  }
  return steps;
}

export interface RollbackPlan {
  app: string | null;
  cutoff: string;
  /** How the cut-off was chosen, for the text output. */
  cutoffSource: string;
  target: Release | null;
  undone: Release[];
  migrations: MigrationTarget[];
  steps: Step[];
  warnings: string[];
  /** Config vars the rollback changes back (Heroku plans only; the text plan prints it). */
  configVars?: ConfigVarChange;
  /** Non-web dynos that maintenance mode leaves running (Heroku plans only). */
  background?: BackgroundDynos;
}

/** The app's scaled-up process types other than web, or why they could not be read. */
export type BackgroundDynos =
  | { kind: "read"; running: { type: string; quantity: number }[] }
  | { kind: "unknown"; reason: string };

/** The `--json` document: exactly these four keys. */
export function planJson(plan: RollbackPlan): {
  cutoff: string;
  migrations: { app: string; name: string }[];
  release: {
    id: string;
    version: number;
    description: string;
    created_at: string;
    status: string;
  } | null;
  steps: Step[];
} {
  return {
    cutoff: plan.cutoff,
    migrations: plan.migrations.map((m) => ({ app: m.app, name: m.name })),
    release: plan.target
      ? {
          id: plan.target.id,
          version: plan.target.version,
          description: plan.target.description,
          created_at: plan.target.created_at,
          status: plan.target.status,
        }
      : null,
    steps: plan.steps,
  };
}
