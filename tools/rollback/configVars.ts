// What a Heroku rollback does to config vars: it restores the target release's along with its
// slug. Only names leave this module, never values.

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
          `(docs/rollback.md). Check the key exists before going on.`,
      ]
    : [];
  return {
    line:
      `the rollback restores ${v}'s values of ${change.names.join(", ")} ` +
      `(the next pulumi up re-applies the stack's)`,
    warnings,
  };
}
