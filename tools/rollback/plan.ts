// The pure core of the rollback: from an app's release history and the migrations table's
// answer to a plan of exact steps. No I/O here, so every edge is a unit test.
import { shellQuote } from "../release/cli";
import type { Release } from "../release/releases";
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

/**
 * Names of the config vars whose values differ between the current config and the target
 * release's: a Heroku rollback restores the target's config vars along with its slug. Only names
 * leave this function, never values. Sorted.
 */
export function changedConfigVarNames(
  current: Record<string, string | null>,
  target: Record<string, string | null>,
): string[] {
  const names = new Set([...Object.keys(current), ...Object.keys(target)]);
  return [...names].filter((name) => (current[name] ?? null) !== (target[name] ?? null)).sort();
}

/** What the rollback does to config vars, for the plan. */
export type ConfigVarChange =
  | { kind: "compared"; targetVersion: number; names: string[] }
  | { kind: "unknown"; reason: string };

/** The plan's line about config vars, and a warning when the service account key changes. */
export function configVarLines(change: ConfigVarChange): { line: string; warnings: string[] } {
  if (change.kind === "unknown") {
    return { line: `could not compare them with the target's (${change.reason})`, warnings: [] };
  }
  const v = `v${change.targetVersion}`;
  if (change.names.length === 0) {
    return { line: `${v}'s are the same as the current ones`, warnings: [] };
  }
  const warnings = change.names.includes("GOOGLE_CREDENTIALS")
    ? [
        `GOOGLE_CREDENTIALS differs: ${v} carries another service account key, in its config ` +
          `vars and baked into its slug by the credentials buildpack. If that key was deleted, ` +
          `BigQuery, Cloud Storage, Sheets and Drive fail after the rollback until a new build ` +
          `(README, "Rollback"). Check the key exists before going on.`,
      ]
    : [];
  return {
    line:
      `the rollback restores ${v}'s values of ${change.names.join(", ")} ` +
      `(the next pulumi up re-applies the stack's)`,
    warnings,
  };
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
  | { action: "require-maintenance"; app: string; description: string }
  | { action: "maintenance-on"; app: string; description: string }
  | {
      action: "migrate";
      app: string | null;
      djangoApp: string;
      migration: string;
      command: string;
      description: string;
    }
  | { action: "rollback-code"; app: string; release: string; version: number; description: string }
  | { action: "maintenance-restore"; app: string; description: string };

export function migrateCommand(target: Pick<MigrationTarget, "app" | "name">): string {
  return `python manage.py migrate ${shellQuote(target.app)} ${shellQuote(target.name)}`;
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
            description: `turn maintenance mode on for ${app} if it is off (restored at the end, also on failure)`,
          }
        : {
            action: "require-maintenance",
            app,
            description: `check that maintenance mode is on for ${app} (refuse otherwise)`,
          },
    );
  }
  for (const m of migrations) {
    const command = migrateCommand(m);
    steps.push({
      action: "migrate",
      app,
      djangoApp: m.app,
      migration: m.name,
      command,
      description: app
        ? `run \`${command}\` on a one-off dyno of ${app} and require exit status 0`
        : `run \`${command}\``,
    });
  }
  if (app && target) {
    steps.push({
      action: "rollback-code",
      app,
      release: target.id,
      version: target.version,
      description: `roll the code back to v${target.version} (POST /apps/${app}/releases {"release": "${target.id}"}) and wait for the new release to succeed`,
    });
  }
  if (app && input.maintenance) {
    steps.push({
      action: "maintenance-restore",
      app,
      description: `put maintenance mode for ${app} back as it was`,
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
}

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

export function planText(plan: RollbackPlan): string[] {
  const lines: string[] = [];
  lines.push(plan.app ? `Rollback plan for ${plan.app}` : "Rollback plan (from --since)");
  if (plan.target) {
    const t = plan.target;
    lines.push(
      `  target release: v${t.version} (id ${t.id}) "${t.description}", created ${t.created_at}`,
    );
    lines.push(
      `  undoing:        ${plan.undone.map((r) => `v${r.version} "${r.description}"`).join(", ")}`,
    );
  }
  if (plan.configVars) lines.push(`  config vars:    ${configVarLines(plan.configVars).line}`);
  lines.push(`  cut-off:        ${plan.cutoff} (${plan.cutoffSource})`);
  lines.push("");
  if (plan.migrations.length === 0) {
    lines.push("No migration was applied at or after the cut-off: no database step is needed.");
  } else {
    lines.push("Migrations to reverse (latest change first):");
    const appWidth = Math.max(...plan.migrations.map((m) => m.app.length));
    const nameWidth = Math.max(...plan.migrations.map((m) => m.name.length));
    for (const m of plan.migrations) {
      lines.push(
        `  ${m.app.padEnd(appWidth)} → ${m.name.padEnd(nameWidth)}  (unapplies ${m.reverses.join(", ")})`,
      );
    }
  }
  lines.push("");
  lines.push("Steps:");
  plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step.description}`));
  for (const warning of plan.warnings) lines.push("", `WARNING: ${warning}`);
  return lines;
}
