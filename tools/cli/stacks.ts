// The stack names every command accepts, checked before anything heavy is loaded.
import { UsageError } from "./usageError";

export const STACKS = ["dev", "staging", "prod"] as const;
export type StackName = (typeof STACKS)[number];
export const PROJECT = "gyana";

function unknown(value: string, what: string): UsageError {
  return new UsageError(`unknown stack "${value}"; ${what}`);
}

/** A stack of this project by its short name: dev, staging or prod. */
export function parseStackName(value: string): StackName {
  const known = STACKS.find((stack) => stack === value);
  if (!known) throw unknown(value, `allowed: ${STACKS.join(", ")}`);
  return known;
}

/**
 * A stack as the pulumi CLI names it: `prod`, `<org>/prod` or `<org>/gyana/prod` (Pulumi
 * Cloud), the last part one of this project's stacks. Returned as given.
 */
export function parseQualifiedStackName(value: string): string {
  const parts = value.split("/");
  const allowed = `allowed: ${STACKS.join(", ")}, optionally as <org>/<stack> or <org>/${PROJECT}/<stack>`;
  const last = parts[parts.length - 1] ?? "";
  const okShape =
    parts.length <= 3 &&
    parts.every((part) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part)) &&
    (parts.length < 3 || parts[1] === PROJECT);
  if (!okShape || !STACKS.some((stack) => stack === last)) throw unknown(value, allowed);
  return value;
}
