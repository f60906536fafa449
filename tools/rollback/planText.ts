// The rollback plan as the operator reads it: what is undone, what each Django app goes back to,
// the steps in operator words (API calls with --verbose), and what to watch out for.
import { freezeRule } from "../release/freeze";
import type { Release } from "../release/releases";
import { configVarLines } from "./configVars";
import type { MigrationTarget } from "./migrations";
import type { BackgroundDynos, RollbackPlan } from "./plan";

/** More releases undone than this, or a target older than `FAR_BACK_DAYS`, is "far back". */
export const FAR_BACK_RELEASES = 3;
export const FAR_BACK_DAYS = 7;

const DAY_MS = 24 * 60 * 60 * 1000;

/** One warning per Django app that goes back to zero. */
export function zeroWarnings(migrations: MigrationTarget[]): string[] {
  return migrations
    .filter((m) => m.name === "zero")
    .map(
      (m) =>
        `${m.app} goes back to zero: every one of its migrations is unapplied, which drops its ` +
        `tables and the data in them. --execute asks you to confirm it separately ` +
        `(--allow-zero ${m.app} without a terminal).`,
    );
}

/** A warning when the target is many releases or many days behind the latest release. */
export function farBackWarning(
  app: string,
  target: Release,
  undone: Release[],
  migrations: MigrationTarget[],
): string[] {
  const latest = undone.at(-1);
  if (!latest) return [];
  const days = Math.floor((Date.parse(latest.created_at) - Date.parse(target.created_at)) / DAY_MS);
  if (undone.length <= FAR_BACK_RELEASES && days <= FAR_BACK_DAYS) return [];
  const zero = migrations.filter((m) => m.name === "zero").length;
  return [
    `v${target.version} is ${undone.length} releases back (created ${target.created_at}, ` +
      `${days} days before the latest, v${latest.version}): every one of them is undone and ` +
      `${migrations.length} apps' migrations are reversed${zero ? `, ${zero} to zero` : ""}. ` +
      `Check this is the release you mean (heroku releases --app ${app}).`,
  ];
}

function listed(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** What maintenance mode does not stop, and the commands to stop and restart it. */
export function backgroundNote(app: string, background: BackgroundDynos): string | undefined {
  if (background.kind === "unknown") {
    return (
      `Maintenance mode stops web requests only; the worker, priority and beat dynos keep ` +
      `running (their formation could not be read: ${background.reason}). Check with ` +
      `heroku ps --app ${app}.`
    );
  }
  const running = [...background.running].sort((a, b) => a.type.localeCompare(b.type));
  if (running.length === 0) return undefined;
  const scale = (quantity: (q: number) => number) =>
    running.map((d) => `${d.type}=${quantity(d.quantity)}`).join(" ");
  return (
    `Maintenance mode stops web requests only: ` +
    `${listed(running.map((d) => `${d.type} (${d.quantity})`))} keep running and may use the ` +
    `tables being changed. To stop them first: heroku ps:scale ${scale(() => 0)} --app ${app}; ` +
    `afterwards: heroku ps:scale ${scale((q) => q)} --app ${app}`
  );
}

function migrationLines(migrations: MigrationTarget[]): string[] {
  if (migrations.length === 0) {
    return ["No migration was applied at or after the cut-off: no database step is needed."];
  }
  const appWidth = Math.max(...migrations.map((m) => m.app.length));
  const nameWidth = Math.max(...migrations.map((m) => m.name.length));
  return [
    "Migrations to reverse (latest change first):",
    ...migrations.map((m) => {
      const what =
        m.name === "zero"
          ? `unapplies EVERY migration of ${m.app}: ${m.reverses.join(", ")}; drops its tables and their data`
          : `unapplies ${m.reverses.join(", ")}`;
      return `  ${m.app.padEnd(appWidth)} → ${m.name.padEnd(nameWidth)}  (${what})`;
    }),
  ];
}

export function planText(plan: RollbackPlan, options: { verbose?: boolean } = {}): string[] {
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
  lines.push("", ...migrationLines(plan.migrations), "", "Steps:");
  plan.steps.forEach((step, i) => {
    const detail = options.verbose && step.detail ? ` (${step.detail})` : "";
    lines.push(`  ${i + 1}. ${step.description}${detail}`);
  });
  if (plan.app) {
    const note = plan.background ? backgroundNote(plan.app, plan.background) : undefined;
    if (note) lines.push("", note);
    lines.push("", freezeRule("rollback"));
  }
  for (const warning of plan.warnings) lines.push("", `WARNING: ${warning}`);
  return lines;
}
